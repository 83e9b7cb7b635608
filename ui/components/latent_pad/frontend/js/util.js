// ---------------------------------------------------------------------------------------------
// util.js: small helpers shared by the other parts (SVG elements, number formatting, medians).
// ---------------------------------------------------------------------------------------------
const SVG_NS = "http://www.w3.org/2000/svg";
const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";
const STAR_INNER_RATIO = 0.45;   // inner / outer radius of the five-pointed star marker

function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

// A five-pointed star path centred on (0, 0) with outer radius r.
function starPath(r) {
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const rad = i % 2 === 0 ? r : r * STAR_INNER_RATIO;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(rad * Math.cos(a)).toFixed(2)},${(rad * Math.sin(a)).toFixed(2)}`);
  }
  return `M${pts.join("L")}Z`;
}

const sub = (n) => String(n).split("").map((c) => SUBSCRIPTS[+c]).join("");

// 1.234 -> "1.23", -0.5 -> "−0.50" (a real minus sign; tiny values print as 0.00).
function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (Math.abs(v) < 0.005) return "0.00";
  return (v < 0 ? "−" : "") + Math.abs(v).toFixed(2);
}

function median(values) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const sameArray = (a, b) => a && b && a.length === b.length && a.every((v, i) => v === b[i]);
