// Latent pad: the 2-D latent plane with a draggable z whose decoded image follows the pointer at
// the display's frame rate. The decoder (an MLP exported by vae_core/models/export.py) runs right here in
// plain JavaScript, so a drag needs no server round trip; Python hears about z only on release.
//
// This file is a Streamlit components.v2 ES module. Streamlit imports it once per page (the module
// URL is keyed by this file's content), then calls the default export on mount and again each time
// Python sends new data, always with the same parentElement. So module-level state (the weight
// cache) survives reruns, and the default export must be idempotent: it keeps one Pad per
// parentElement and just hands it the new data.
//
// Data from Python (ui/latent_pad.py):
//   {key, spec: {hash, latent_dim, activation, image_shape, layers?}, points: {hash, n, xy?, labels?},
//    mu: [D], sigma: [D], z: [D], dims: [i, j], extent, colours: [10 CSS colours, one per class]}
// "layers" / "xy" are present only when Python believes this page has not cached that hash yet;
// if it is missing and not cached, we ask for it with the "need" trigger.
// To Python: trigger "commit" = {z: [D], eps: [D] with null where sigma = 0, dims, source}.

// The image shape comes with the decoder spec (spec.image_shape) and the class colours with the
// data (data.colours, vae_core.constants.DIGIT_COLOURS): neither is restated here.
const MARGIN = { left: 40, right: 10, top: 10, bottom: 36 };
const KEY_STEPS = 40;        // an arrow key moves z by extent / 40 (0.1 for extent 4)
const BIG_STEP = 5;          // Shift + arrow: five steps
const DECODE_SAMPLES = 240;  // decode times kept for the median
const SVG_NS = "http://www.w3.org/2000/svg";

// ---------------------------------------------------------------------------------------------
// Caches shared by every pad on the page (this module lives as long as the page).
// ---------------------------------------------------------------------------------------------
const DECODERS = new Map();      // spec hash   -> Decoder (weights parsed once)
const POINT_SETS = new Map();    // points hash -> {n, xy: Float32Array(2n), labels: Uint8Array(n)}
const REQUESTED = new Map();     // hash -> performance.now() of our last "need" request
const PADS = new Map();          // Python key -> Pad (for the test / benchmark hook)
const INSTANCES = new WeakMap(); // parentElement -> Pad
let padCounter = 0;
let specParses = 0;              // how many times weights were parsed (should stay 1 per model)

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function base64ToBytes(b64) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// base64 of little-endian float32 -> Float32Array(n) (a view, no copy, on little-endian hosts).
function base64ToFloat32(b64, n) {
  const bytes = base64ToBytes(b64);
  if (bytes.byteLength !== 4 * n) throw new Error(`expected ${4 * n} bytes, got ${bytes.byteLength}`);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The decoder: an MLP forward pass over Float32Arrays with preallocated buffers.
// ---------------------------------------------------------------------------------------------
class Decoder {
  constructor(spec) {
    this.hash = spec.hash;
    this.latentDim = spec.latent_dim;
    this.activation = spec.activation;
    if (!["relu", "elu", "tanh"].includes(this.activation)) {
      throw new Error(`unknown activation ${this.activation}`);
    }
    this.layers = spec.layers.map((l) => ({
      nIn: l.in, nOut: l.out,
      W: base64ToFloat32(l.weight, l.in * l.out),   // (out, in) row-major, like torch's Linear
      b: base64ToFloat32(l.bias, l.out),
    }));
    const [channels, height, width] = spec.image_shape;
    this.height = height;
    this.width = width;
    this.numPixels = channels * height * width;
    const last = this.layers[this.layers.length - 1];
    if (channels !== 1 || this.layers[0].nIn !== this.latentDim || last.nOut !== this.numPixels) {
      throw new Error(`decoder spec does not map latent_dim -> ${this.numPixels} grey pixels`);
    }
    this.input = new Float32Array(this.latentDim);
    this.buffers = this.layers.map((l) => new Float32Array(l.nOut));
    specParses += 1;
    // Warm the JIT up now, so the first decode of a drag is already fast (~25 ms cold).
    const z = new Float64Array(this.latentDim);
    for (let r = 0; r < 8; r++) { z.fill(r - 4); this.decode(z); }
  }

  // z: array-like of latent_dim numbers -> Float32Array(numPixels) of pixels in [0, 1], row-major.
  // The result is this decoder's own buffer, overwritten by the next call: copy it to keep it.
  decode(z) {
    const x0 = this.input;
    for (let i = 0; i < this.latentDim; i++) x0[i] = z[i];
    let x = x0;
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const { nIn, nOut, W, b } = this.layers[l];
      const y = this.buffers[l];
      // y = W x + b. Four accumulators break the add dependency chain; values are doubles in
      // registers and rounded to float32 when stored, as torch does per layer.
      for (let o = 0; o < nOut; o++) {
        const row = o * nIn;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
        for (; k + 3 < nIn; k += 4) {
          s0 += W[row + k] * x[k];
          s1 += W[row + k + 1] * x[k + 1];
          s2 += W[row + k + 2] * x[k + 2];
          s3 += W[row + k + 3] * x[k + 3];
        }
        for (; k < nIn; k++) s0 += W[row + k] * x[k];
        y[o] = b[o] + ((s0 + s1) + (s2 + s3));
      }
      if (l < L - 1) {
        // Hidden activation (the same after every hidden layer).
        if (this.activation === "relu") {
          for (let o = 0; o < nOut; o++) if (y[o] < 0) y[o] = 0;
        } else if (this.activation === "elu") {
          for (let o = 0; o < nOut; o++) if (y[o] <= 0) y[o] = Math.expm1(y[o]);
        } else {
          for (let o = 0; o < nOut; o++) y[o] = Math.tanh(y[o]);
        }
      } else {
        // Bernoulli means: sigmoid of the logits (exp overflow gives 1 / Infinity = 0, as wanted).
        for (let o = 0; o < nOut; o++) y[o] = 1 / (1 + Math.exp(-y[o]));
      }
      x = y;
    }
    return x;
  }
}

function parsePoints(p) {
  const xy = base64ToFloat32(p.xy, 2 * p.n);
  const labels = base64ToBytes(p.labels);
  return { n: p.n, xy, labels };
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------
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
    const rad = i % 2 === 0 ? r : r * 0.45;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(rad * Math.cos(a)).toFixed(2)},${(rad * Math.sin(a)).toFixed(2)}`);
  }
  return `M${pts.join("L")}Z`;
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";
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

// ---------------------------------------------------------------------------------------------
// One pad instance
// ---------------------------------------------------------------------------------------------
class Pad {
  constructor(parentElement) {
    this.parent = parentElement;
    this.root = parentElement.querySelector(".lp-root");
    this.uid = ++padCounter;
    const q = (sel) => this.root.querySelector(sel);
    this.el = {
      plane: q(".lp-plane"), points: q(".lp-points"), svg: q(".lp-svg"),
      clip: q(".lp-clip"), clipRect: q(".lp-clip-rect"), bg: q(".lp-bg"),
      grid: q(".lp-grid"), axes: q(".lp-axes"), prior: q(".lp-prior"), clipped: q(".lp-clipped"),
      q1: q(".lp-q1"), q2: q(".lp-q2"), sigmaEps: q(".lp-sigma-eps"), mu: q(".lp-mu"),
      z: q(".lp-z"), star: q(".lp-z-star"), image: q(".lp-image"),
      zVal: q(".lp-z-val"), epsVal: q(".lp-eps-val"), epsRow: q(".lp-eps-row"),
      aeNote: q(".lp-ae-note"), muVal: q(".lp-mu-val"), sigmaVal: q(".lp-sigma-val"),
      held: q(".lp-held"), readout: q(".lp-readout"), digits: q(".lp-digits"),
    };
    // Clip the plot to its square (ids are per pad, in case styles are not isolated).
    const clipId = `lp-clip-${this.uid}`;
    this.el.clip.setAttribute("id", clipId);
    this.el.clipped.setAttribute("clip-path", `url(#${clipId})`);
    this.el.star.setAttribute("d", starPath(11));
    q(".lg-z").setAttribute("d", starPath(6.5));
    this.colours = [];

    // The decoded image: ImageData on an offscreen canvas (sized by the decoder's image shape in
    // setImageShape), drawn scaled with smoothing off.
    this.offscreen = document.createElement("canvas");
    this.offCtx = this.offscreen.getContext("2d");
    this.imageData = null;
    this.imageCtx = this.el.image.getContext("2d");
    this.lastPixels = new Float32Array(0);

    // State
    this.key = null;
    this.decoder = null;
    this.pointSet = null;
    this.mu = [0, 0];
    this.sigma = [0, 0];
    this.z = new Float64Array(2);
    this.dims = [0, 1];
    this.extent = 4;
    this.lastDataZ = null;       // the z Python sent last time (we follow Python only when it changes)
    this.geom = null;            // plot geometry in CSS px
    this.dragging = false;
    this.pointerId = null;
    this.grab = [0, 0];          // offset from pointer to marker when the drag began on the marker
    this.dirty = false;          // z moved since the last decode
    this.rafId = 0;
    this.keyRaf = 0;
    this.keyMoved = false;
    // Counters for tests and benchmarks
    this.frames = 0;             // animation frames run while dragging
    this.decodes = 0;            // decodes done (any cause)
    this.lastDecodeMs = 0;
    this.decodeTimes = [];
    this.commits = 0;
    this.drag = { start: 0, frames: 0, decodes: 0, fps: 0, decodeFps: 0 };

    this.onPointerDown = this.onPointerDown.bind(this);
    this.onPointerMove = this.onPointerMove.bind(this);
    this.onPointerUp = this.onPointerUp.bind(this);
    this.onKeyDown = this.onKeyDown.bind(this);
    this.onKeyUp = this.onKeyUp.bind(this);
    this.onBlur = this.onBlur.bind(this);
    this.frame = this.frame.bind(this);
    // One table for attaching and detaching, so the two can never drift apart.
    this.listeners = [
      ["pointerdown", this.onPointerDown], ["pointermove", this.onPointerMove],
      ["pointerup", this.onPointerUp], ["pointercancel", this.onPointerUp],
      ["lostpointercapture", this.onPointerUp], ["keydown", this.onKeyDown],
      ["keyup", this.onKeyUp], ["blur", this.onBlur],
    ];
    for (const [type, handler] of this.listeners) this.el.svg.addEventListener(type, handler);
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.el.plane);
  }

  destroy() {
    cancelAnimationFrame(this.rafId);
    cancelAnimationFrame(this.keyRaf);
    this.resizeObserver.disconnect();
    for (const [type, handler] of this.listeners) this.el.svg.removeEventListener(type, handler);
    if (PADS.get(this.key) === this) PADS.delete(this.key);
    INSTANCES.delete(this.parent);
  }

  // ---- data from Python ----------------------------------------------------------------------
  update(data, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
    if (this.key !== data.key) {
      if (PADS.get(this.key) === this) PADS.delete(this.key);
      this.key = data.key;
      this.root.dataset.padKey = data.key;
    }
    PADS.set(this.key, this);

    const missing = [];
    // Weights: parse once per hash, then reuse from the module cache.
    const spec = data.spec;
    if (!DECODERS.has(spec.hash) && spec.layers) DECODERS.set(spec.hash, new Decoder(spec));
    this.decoder = DECODERS.get(spec.hash) || null;
    if (this.decoder) this.setImageShape(this.decoder);
    else missing.push(spec.hash);
    this.setColours(data.colours);
    this.root.dataset.specHash = spec.hash;
    this.root.dataset.specParses = String(specParses);
    this.root.dataset.lastDataHadWeights = String(Boolean(spec.layers));

    const pts = data.points;
    let pointSet = null;
    if (pts) {
      if (!POINT_SETS.has(pts.hash) && pts.xy) POINT_SETS.set(pts.hash, parsePoints(pts));
      pointSet = POINT_SETS.get(pts.hash) || null;
      if (!pointSet) missing.push(pts.hash);
    }
    if (missing.length) this.requestMissing(missing);

    const dims = data.dims;
    const extent = data.extent;
    const redrawStatic = !this.geom || extent !== this.extent || !sameArray(dims, this.dims);
    const redrawPoints = redrawStatic || pointSet !== this.pointSet;
    this.dims = dims.slice();
    this.extent = extent;
    this.pointSet = pointSet;
    this.mu = data.mu.slice();
    this.sigma = data.sigma.slice();

    // z: follow Python when it sends a different z than last time (a slider moved, a new input),
    // but keep the user's own z across reruns that merely echo the old one. Never while dragging.
    const dataZ = JSON.stringify(data.z);
    if (dataZ !== this.lastDataZ || this.z.length !== data.z.length) {
      this.lastDataZ = dataZ;
      if (!this.dragging || this.z.length !== data.z.length) this.z = Float64Array.from(data.z);
    }

    const sigmaZero = this.dims.every((d) => !(this.sigma[d] > 0));
    this.root.dataset.sigmaZero = String(sigmaZero);
    this.el.epsRow.hidden = sigmaZero;
    this.el.aeNote.hidden = !sigmaZero;

    if (redrawStatic) this.layout();
    else if (redrawPoints) this.drawPoints();
    this.drawPosterior();
    this.renderZ();
    this.root.dataset.ready = String(Boolean(this.decoder));
  }

  requestMissing(hashes) {
    // Ask Python to resend weights/points this page lacks (e.g. after a hot reload of this
    // module). At most one request per hash every 3 s, so a lost reply cannot loop.
    const now = performance.now();
    const ask = hashes.filter((h) => !(now - (REQUESTED.get(h) ?? -1e9) < 3000));
    if (!ask.length || !this.setTriggerValue) return;
    ask.forEach((h) => REQUESTED.set(h, now));
    this.setTriggerValue("need", { hashes: ask });
  }

  // ---- geometry ------------------------------------------------------------------------------
  layout() {
    const w = this.el.plane.clientWidth;
    const h = this.el.plane.clientHeight;
    if (!w || !h) return;
    const size = Math.max(50, Math.min(w - MARGIN.left - MARGIN.right, h - MARGIN.top - MARGIN.bottom));
    this.geom = { w, h, x0: MARGIN.left, y0: MARGIN.top, size, scale: size / (2 * this.extent) };
    this.el.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    for (const el of [this.el.clipRect, this.el.bg]) {
      el.setAttribute("x", MARGIN.left); el.setAttribute("y", MARGIN.top);
      el.setAttribute("width", size); el.setAttribute("height", size);
    }
    this.drawGrid();
    this.drawPoints();
    this.drawPosterior();
    this.placeMarker();
  }

  // Latent value -> CSS px inside the plane, and back.
  sx(v) { const g = this.geom; return g.x0 + (v + this.extent) * g.scale; }
  sy(v) { const g = this.geom; return g.y0 + (this.extent - v) * g.scale; }
  clientToLatent(clientX, clientY) {
    const r = this.el.plane.getBoundingClientRect();
    const g = this.geom;
    const kx = g.w / r.width, ky = g.h / r.height;   // in case the plane is CSS-scaled
    const px = (clientX - r.left) * kx, py = (clientY - r.top) * ky;
    return [(px - g.x0) / g.scale - this.extent, this.extent - (py - g.y0) / g.scale];
  }
  latentToClient(zi, zj) {
    const r = this.el.plane.getBoundingClientRect();
    const g = this.geom;
    return { x: r.left + (this.sx(zi) * r.width) / g.w, y: r.top + (this.sy(zj) * r.height) / g.h };
  }

  drawGrid() {
    const { grid, axes, prior } = this.el;
    grid.replaceChildren(); axes.replaceChildren(); prior.replaceChildren();
    const E = this.extent, g = this.geom;
    const step = E <= 3 ? 0.5 : E <= 6 ? 1 : E <= 12 ? 2 : Math.ceil(E / 5);
    const bottom = g.y0 + g.size, right = g.x0 + g.size;
    for (let v = -Math.floor(E / step) * step; v <= E + 1e-9; v += step) {
      const x = Math.round(this.sx(v)) + 0.5, y = Math.round(this.sy(v)) + 0.5;
      const cls = Math.abs(v) < 1e-9 ? "lp-zero" : "";
      svg("line", { x1: x, x2: x, y1: g.y0, y2: bottom, class: cls }, grid);
      svg("line", { x1: g.x0, x2: right, y1: y, y2: y, class: cls }, grid);
      const label = Number.isInteger(v) ? String(v).replace("-", "−") : fmt(v);
      svg("text", { x, y: bottom + 14, "text-anchor": "middle" }, axes).textContent = label;
      svg("text", { x: g.x0 - 5, y: y + 4, "text-anchor": "end" }, axes).textContent = label;
    }
    const [i, j] = this.dims;
    const tx = svg("text", { x: g.x0 + g.size / 2, y: bottom + 31, "text-anchor": "middle", class: "lp-axis-title" }, axes);
    tx.textContent = `z${sub(i + 1)}`;
    const ty = svg("text", { x: 0, y: 0, "text-anchor": "middle", class: "lp-axis-title",
      transform: `translate(${g.x0 - 30},${g.y0 + g.size / 2}) rotate(-90)` }, axes);
    ty.textContent = `z${sub(j + 1)}`;
    // The prior N(0, I): its 1 sigma and 2 sigma circles.
    // A halo in the background colour under each dashed circle keeps it legible over the cloud.
    for (const k of [1, 2]) {
      svg("circle", { cx: this.sx(0), cy: this.sy(0), r: k * g.scale, class: "lp-halo" }, prior);
      svg("circle", { cx: this.sx(0), cy: this.sy(0), r: k * g.scale, class: `lp-p${k}` }, prior);
    }
  }

  drawPoints() {
    const canvas = this.el.points, g = this.geom;
    if (!g) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(g.w * dpr);
    canvas.height = Math.round(g.h * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, g.h);
    const ps = this.pointSet;
    if (!ps) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(g.x0, g.y0, g.size, g.size);
    ctx.clip();
    ctx.globalAlpha = 0.55;
    const r = g.size > 360 ? 1.7 : 1.4;
    // One path per digit: ten fills instead of thousands.
    for (let d = 0; d < 10; d++) {
      ctx.beginPath();
      for (let p = 0; p < ps.n; p++) {
        if (ps.labels[p] !== d) continue;
        const x = this.sx(ps.xy[2 * p]), y = this.sy(ps.xy[2 * p + 1]);
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = this.colours[d];
      ctx.fill();
    }
    ctx.restore();
  }

  // q(z|x) = N(mu, diag(sigma^2)) in the two shown dims: ellipses at 1 and 2 sigma, and mu.
  drawPosterior() {
    if (!this.geom) return;
    const [i, j] = this.dims, g = this.geom;
    const cx = this.sx(this.mu[i]), cy = this.sy(this.mu[j]);
    for (const [el, k] of [[this.el.q1, 1], [this.el.q2, 2]]) {
      el.setAttribute("cx", cx); el.setAttribute("cy", cy);
      el.setAttribute("rx", Math.max(0, k * this.sigma[i] * g.scale));
      el.setAttribute("ry", Math.max(0, k * this.sigma[j] * g.scale));
    }
    this.el.mu.setAttribute("transform", `translate(${cx},${cy})`);
    this.el.sigmaEps.setAttribute("x1", cx);
    this.el.sigmaEps.setAttribute("y1", cy);
    const m = this.el.muVal, s = this.el.sigmaVal;
    m.textContent = `(${fmt(this.mu[i])}, ${fmt(this.mu[j])})`;
    s.textContent = `(${fmt(this.sigma[i])}, ${fmt(this.sigma[j])})`;
    const others = [];
    for (let d = 0; d < this.z.length; d++) if (d !== i && d !== j) others.push(d);
    this.el.held.hidden = !others.length;
    if (others.length) {
      this.el.held.textContent = "held: " + others.map((d) => `z${sub(d + 1)} = ${fmt(this.z[d])}`).join(", ");
    }
  }

  placeMarker() {
    if (!this.geom) return;
    const [i, j] = this.dims;
    const x = this.sx(this.z[i]), y = this.sy(this.z[j]);
    this.el.z.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)})`);
    this.el.sigmaEps.setAttribute("x2", x);
    this.el.sigmaEps.setAttribute("y2", y);
  }

  eps() {
    // eps = (z - mu) / sigma per dimension; null where sigma = 0 (z there is simply mu + 0).
    return Array.from(this.z, (v, d) => (this.sigma[d] > 0 ? (v - this.mu[d]) / this.sigma[d] : null));
  }

  updateReadout() {
    const [i, j] = this.dims;
    this.el.zVal.textContent = `(${fmt(this.z[i])}, ${fmt(this.z[j])})`;
    const e = this.eps();
    this.el.epsVal.textContent = `(${fmt(e[i])}, ${fmt(e[j])})`;
    this.root.dataset.z = JSON.stringify(Array.from(this.z));
  }

  // ---- decode and draw -----------------------------------------------------------------------
  setImageShape(decoder) {
    if (this.imageData && this.imageData.width === decoder.width && this.imageData.height === decoder.height) return;
    this.offscreen.width = decoder.width;
    this.offscreen.height = decoder.height;
    this.imageData = this.offCtx.createImageData(decoder.width, decoder.height);
    this.lastPixels = new Float32Array(decoder.numPixels);
  }

  setColours(colours) {
    if (JSON.stringify(colours) === JSON.stringify(this.colours)) return;
    this.colours = colours.slice();
    this.el.digits.innerHTML = this.colours.map(
      (c, d) => `<span><i style="background:${c}"></i>${d}</span>`).join("");
  }

  decodeAndDraw() {
    if (!this.decoder || this.decoder.latentDim !== this.z.length) return;
    const t0 = performance.now();
    const pixels = this.decoder.decode(this.z);
    const data = this.imageData.data;
    for (let p = 0, o = 0; p < this.decoder.numPixels; p++, o += 4) {
      const v = pixels[p] * 255;                    // Uint8ClampedArray rounds half to even
      data[o] = data[o + 1] = data[o + 2] = v;
      data[o + 3] = 255;
    }
    this.offCtx.putImageData(this.imageData, 0, 0);
    const canvas = this.el.image;
    const dpr = window.devicePixelRatio || 1;
    const side = Math.round((canvas.clientWidth || 196) * dpr);
    if (canvas.width !== side) { canvas.width = side; canvas.height = side; }
    this.imageCtx.imageSmoothingEnabled = false;
    this.imageCtx.drawImage(this.offscreen, 0, 0, side, side);
    this.lastPixels.set(pixels);
    const ms = performance.now() - t0;
    this.lastDecodeMs = ms;
    this.decodeTimes.push(ms);
    if (this.decodeTimes.length > DECODE_SAMPLES) this.decodeTimes.shift();
    this.decodes += 1;
    this.root.dataset.decodes = String(this.decodes);
    this.root.dataset.lastDecodeMs = ms.toFixed(3);
  }

  // Everything that depends on z: marker, readout, image.
  renderZ() {
    this.placeMarker();
    this.updateReadout();
    this.decodeAndDraw();
    this.dirty = false;
  }

  // ---- pointer: drag z; the image follows every animation frame -----------------------------
  clampToPlane(v) { return Math.max(-this.extent, Math.min(this.extent, v)); }

  setPlaneZ(zi, zj) {
    const [i, j] = this.dims;
    const a = this.clampToPlane(zi), b = this.clampToPlane(zj);
    if (a !== this.z[i] || b !== this.z[j]) {
      this.z[i] = a; this.z[j] = b;
      this.dirty = true;
    }
  }

  onPointerDown(e) {
    if (this.dragging || !this.geom || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    this.el.svg.focus({ preventScroll: true });
    const [pi, pj] = this.clientToLatent(e.clientX, e.clientY);
    const [i, j] = this.dims;
    // Pressing on the star keeps the grab offset (no jump); elsewhere z jumps to the pointer.
    const dx = (this.z[i] - pi) * this.geom.scale, dy = (this.z[j] - pj) * this.geom.scale;
    this.grab = dx * dx + dy * dy <= 18 * 18 ? [this.z[i] - pi, this.z[j] - pj] : [0, 0];
    this.el.svg.setPointerCapture(e.pointerId);
    this.pointerId = e.pointerId;
    this.dragging = true;
    this.root.dataset.dragging = "true";
    this.el.readout.setAttribute("aria-busy", "true");   // no announcements mid-drag
    this.drag = { start: performance.now(), frames: 0, decodes: this.decodes, fps: 0, decodeFps: 0 };
    this.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);
    cancelAnimationFrame(this.rafId);
    this.rafId = requestAnimationFrame(this.frame);
  }

  onPointerMove(e) {
    if (!this.dragging || e.pointerId !== this.pointerId) return;
    const [pi, pj] = this.clientToLatent(e.clientX, e.clientY);
    this.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);   // drawn on the next frame
  }

  frame() {
    if (!this.dragging) return;
    this.frames += 1;
    this.drag.frames += 1;
    if (this.dirty) this.renderZ();
    this.root.dataset.frames = String(this.frames);
    this.rafId = requestAnimationFrame(this.frame);
  }

  // pointerup ends a drag where the pointer is; pointercancel / lostpointercapture (the browser
  // took the pointer away) end it where z last was. Each commits z.
  onPointerUp(e) {
    if (!this.dragging || e.pointerId !== this.pointerId) return;
    if (e.type === "pointerup") {
      const [pi, pj] = this.clientToLatent(e.clientX, e.clientY);
      this.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);
    }
    cancelAnimationFrame(this.rafId);
    this.dragging = false;
    this.pointerId = null;
    this.root.dataset.dragging = "false";
    if (this.dirty) this.renderZ();
    const seconds = (performance.now() - this.drag.start) / 1000;
    if (seconds > 0) {
      this.drag.fps = this.drag.frames / seconds;
      this.drag.decodeFps = (this.decodes - this.drag.decodes) / seconds;
      this.root.dataset.dragFps = this.drag.fps.toFixed(1);
    }
    this.el.readout.setAttribute("aria-busy", "false");
    this.commit("drag");
  }

  // ---- keyboard ------------------------------------------------------------------------------
  onKeyDown(e) {
    const step = (this.extent / KEY_STEPS) * (e.shiftKey ? BIG_STEP : 1);
    const [i, j] = this.dims;
    let di = 0, dj = 0;
    switch (e.key) {
      case "ArrowLeft": di = -step; break;
      case "ArrowRight": di = step; break;
      case "ArrowUp": dj = step; break;
      case "ArrowDown": dj = -step; break;
      case "Home": this.z[i] = this.mu[i]; this.z[j] = this.mu[j]; this.dirty = true; break;
      case "Enter": e.preventDefault(); this.commit("key"); return;
      default: return;
    }
    e.preventDefault();
    if (di || dj) this.setPlaneZ(this.z[i] + di, this.z[j] + dj);
    this.keyMoved = true;
    // Coalesce auto-repeat into one decode per frame.
    if (!this.keyRaf) {
      this.keyRaf = requestAnimationFrame(() => { this.keyRaf = 0; if (this.dirty) this.renderZ(); });
    }
  }

  onKeyUp(e) {
    // Holding an arrow key moves z live; letting go commits once.
    if (this.keyMoved && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home"].includes(e.key)) {
      if (this.dirty) this.renderZ();
      this.commit("key");
    }
  }

  onBlur() {
    if (this.keyMoved) this.commit("key");
  }

  commit(source) {
    this.keyMoved = false;
    this.commits += 1;
    this.root.dataset.commits = String(this.commits);
    if (!this.setTriggerValue) return;
    this.setTriggerValue("commit", { z: Array.from(this.z), eps: this.eps(), dims: this.dims, source });
  }

  stats() {
    return {
      key: this.key, ready: Boolean(this.decoder), frames: this.frames, decodes: this.decodes,
      lastDecodeMs: this.lastDecodeMs, decodeMsP50: median(this.decodeTimes),
      dragFps: this.drag.fps, dragDecodeFps: this.drag.decodeFps, dragging: this.dragging,
      commits: this.commits, specParses, z: Array.from(this.z), dims: this.dims.slice(),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Test and benchmark hook: window.__latentPad (all methods take an optional pad key, the `key`
// given in Python; without it, the most recently created pad).
// ---------------------------------------------------------------------------------------------
function padFor(key) {
  if (key !== undefined && key !== null) {
    const pad = PADS.get(key);
    if (!pad) throw new Error(`no latent pad with key ${key}`);
    return pad;
  }
  const all = [...PADS.values()];
  if (!all.length) throw new Error("no latent pad on this page");
  return all[all.length - 1];
}

if (typeof window !== "undefined") {
  window.__latentPad = {
    keys: () => [...PADS.keys()],
    // Decode an arbitrary z (full latent vector) with the pad's decoder: 784 floats in [0, 1].
    decode: (z, key) => Array.from(padFor(key).decoder.decode(z)),
    // Time n decodes of random z in [-extent, extent]^D; milliseconds.
    bench: (n = 200, key) => {
      const pad = padFor(key), dec = pad.decoder, times = new Float64Array(n);
      const z = new Float64Array(dec.latentDim);
      for (let r = 0; r < n; r++) {
        for (let d = 0; d < z.length; d++) z[d] = (Math.random() * 2 - 1) * pad.extent;
        const t0 = performance.now();
        dec.decode(z);
        times[r] = performance.now() - t0;
      }
      const sorted = Float64Array.from(times).sort();
      return { n, p50: median(times), p90: sorted[Math.floor(0.9 * (n - 1))],
               mean: times.reduce((a, b) => a + b, 0) / n, min: sorted[0], max: sorted[n - 1] };
    },
    stats: (key) => padFor(key).stats(),
    // Viewport coordinates (CSS px) of the latent point (zi, zj) on the pad's plane.
    clientPoint: (zi, zj, key) => padFor(key).latentToClient(zi, zj),
    // The pixels on display now (784 floats), as last decoded.
    pixels: (key) => Array.from(padFor(key).lastPixels),
    specParses: () => specParses,
    // Forget the cached weights and points, as a fresh module would (tests the "need" request).
    dropCaches: () => { DECODERS.clear(); POINT_SETS.clear(); REQUESTED.clear(); },
  };
}

// ---------------------------------------------------------------------------------------------
// Streamlit entry point
// ---------------------------------------------------------------------------------------------
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let pad = INSTANCES.get(parentElement);
  if (pad && !pad.root.isConnected) { pad.destroy(); pad = null; }   // HTML was re-created
  if (!pad) {
    if (!parentElement.querySelector(".lp-root")) return undefined;
    pad = new Pad(parentElement);
    INSTANCES.set(parentElement, pad);
  }
  if (data) pad.update(data, setTriggerValue);
  // Streamlit keeps only the latest cleanup and runs it on unmount; it may also run a superseded
  // call's cleanup late, so a cleanup only destroys the pad if no newer call has happened since.
  const generation = (pad.generation = (pad.generation || 0) + 1);
  return () => { if (pad.generation === generation) pad.destroy(); };
}
