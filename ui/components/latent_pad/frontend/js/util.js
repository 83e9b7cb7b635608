// ---------------------------------------------------------------------------------------------
// util.js: small helpers shared by the other parts (SVG elements, number formatting, medians, the
// pad's place on the page's first screen).
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

// The pad's place on the page's first screen, for layout.css, which sizes the planes so that the
// row and its formula line end on that screen: --lp-top, the pad's distance from the top of the
// area the page scrolls in, and --lp-row-extra, the height of the row's parts above and below a
// plane (its head, the drag-mode line, the formula; more where they wrap), with a margin. Measured
// again when the window or the page's content changes size (a message above the pad, a plane).
const FIRST_SCREEN_MARGIN_PX = 8;

class FirstScreen {
  constructor(root, plane, formula) {
    Object.assign(this, { root, plane, formula });
    this.measure = this.measure.bind(this);
    this.scroller = scrollParent(root.getRootNode().host || root);
    this.observer = new ResizeObserver(this.measure);
    this.observer.observe(this.scroller.firstElementChild || this.scroller);
    window.addEventListener("resize", this.measure);
    this.measure();
  }

  measure() {
    if (!this.root.isConnected) return;
    const top = this.root.getBoundingClientRect().top;
    const extra = this.formula.getBoundingClientRect().bottom - top - this.plane.getBoundingClientRect().height;
    this.set("--lp-top", top + this.scroller.scrollTop);
    this.set("--lp-row-extra", extra + FIRST_SCREEN_MARGIN_PX);
  }

  set(name, px) {
    const value = `${Math.max(0, Math.ceil(px))}px`;
    if (this.root.style.getPropertyValue(name) !== value) this.root.style.setProperty(name, value);
  }

  destroy() {
    this.observer.disconnect();
    window.removeEventListener("resize", this.measure);
  }
}

// The nearest ancestor of `el` that scrolls (crossing shadow roots), or the document's scroller.
function scrollParent(el) {
  for (let n = el.parentNode; n && n !== document; n = n.parentNode || n.host) {
    if (n.nodeType !== Node.ELEMENT_NODE) continue;
    const overflow = getComputedStyle(n).overflowY;
    if (overflow === "auto" || overflow === "scroll") return n;
  }
  return document.scrollingElement || document.documentElement;
}
