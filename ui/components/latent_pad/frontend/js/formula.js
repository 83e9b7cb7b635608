// ---------------------------------------------------------------------------------------------
// formula.js: the pipeline's mathematics typeset with KaTeX (vendor/katex, loaded before this
// part as `katex`): static labels (data-tex attributes) once, and the live formula
// z = μ + σ ⊙ ε with the current numbers on every change, redrawn only when its text changes.
// ---------------------------------------------------------------------------------------------
// The parts of the live formula carry a class (pad.css colours them from the theme, so they
// read in the light and the dark theme); KaTeX may emit \htmlClass and nothing else untrusted.
const TEX_COLOURS = { mu: "lp-c-mu", eps: "lp-c-eps", z: "lp-c-z" };
const TRUST_CLASSES = (context) => context.command === "\\htmlClass";

function renderTex(el, source, display = false) {
  if (!el || el.__tex === source) return;
  el.__tex = source;
  try {
    katex.render(source, el, { throwOnError: false, displayMode: display, output: "html", trust: TRUST_CLASSES });
  } catch (err) {
    el.textContent = source;   // never leave a blank: show the source
  }
}

function renderStaticTex(root) {
  for (const el of root.querySelectorAll("[data-tex]")) renderTex(el, el.dataset.tex);
}

// 1.234 -> "1.23", -0.5 -> "-0.50" (KaTeX typesets the minus sign); null -> an em dash.
function texNum(v, digits = 2) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "\\text{—}";
  const t = Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v;
  return t.toFixed(digits);
}

function texVec(values, digits = 2) {
  return `\\left(${values.map((v) => texNum(v, digits)).join(",\\ ")}\\right)`;
}

const coloured = (cls, body) => `\\htmlClass{${cls}}{${body}}`;

// "z = μ + σ ⊙ ε = (..) + (..) ⊙ (..) = (..)" for the two shown dimensions (more digits when σ is
// small, so the sum can be checked by eye), or its plane coordinates on a PCA plane.
function liveFormula(mu, sigma, eps, z, dims) {
  const pick = (v) => dims.map((d) => v[d]);
  const small = Math.min(...pick(sigma).filter((s) => s > 0), 1);
  const digits = small < 0.1 ? 3 : 2;
  return `z = ${coloured(TEX_COLOURS.mu, "\\mu")} + ${coloured(TEX_COLOURS.mu, "\\sigma")} \\odot ` +
    `${coloured(TEX_COLOURS.eps, "\\varepsilon")} = ` +
    `${coloured(TEX_COLOURS.mu, texVec(pick(mu), digits))} + ${coloured(TEX_COLOURS.mu, texVec(pick(sigma), digits))} ` +
    `\\odot ${coloured(TEX_COLOURS.eps, texVec(pick(eps), 2))} = ${coloured(TEX_COLOURS.z, texVec(pick(z), digits))}` +
    dimsNote(dims, mu.length);
}

// Past two latent dimensions the numbers are two coordinates of many (not the z-plane's axes,
// which may be a projection): say which.
function dimsNote(dims, d) {
  return d > 2 ? `\\quad\\text{(coordinates ${dims[0] + 1} and ${dims[1] + 1} of ${d})}` : "";
}
