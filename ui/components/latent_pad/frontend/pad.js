// The reparameterization pipeline: x → encoder → μ(x), σ(x) → the ε-plane → z = μ + σ ⊙ ε →
// the z-plane → decoder → x̂, all live. The decoder (an MLP exported by vae_core/models/export.py)
// runs right here in plain JavaScript, so a drag needs no server round trip; Python hears
// about ε, z or μ only on release.
//
// This file is a Streamlit components.v2 ES module. Streamlit imports it once per page (the module
// URL is keyed by this file's content), then calls the default export on mount and again each time
// Python sends new data, always with the same parentElement. So module-level state (the weight
// cache) survives reruns, and the default export must be idempotent: it keeps one Pad per
// parentElement and just hands it the new data.
//
// The state is μ, σ and ε (each of latent_dim values); z = μ + σ ⊙ ε is derived. Dragging ε moves
// z through that map; dragging on the z-plane moves z with ε following ("z" mode, ε kept within
// ±epsLimit: beyond it the marker stops and the readout says "ε far in the tail") or moves μ
// with ε held ("mu" mode). Where σ = 0 (the plain autoencoder) z = μ: the ε-plane is inert and a
// drag on the z-plane moves μ.
//
// The code is split by job into js/*.js (util, weights, projection, geometry, formula, drawing,
// pointer, input, messaging, instrumentation), which ui/latent_pad.py joins, in that order and after
// vendor/katex, before this file, into one module: plain JavaScript, no build step.

const INSTANCES = new WeakMap(); // parentElement -> Pad
const FIT_Q_SIGMAS = 3.15;       // "fit q(z|x)": the window's half-width in q's largest σ (3σ fits)
const FIT_AE_HALF = 0.5;         // "fit q(z|x)" for σ = 0: a window this wide around μ
const STRIP_MAX = 10;            // decoded samples shown in the strip
const STRIP_HEIGHT = 30;         // CSS px
const DESCRIBE_WAIT_MS = 1500;   // after a commit, wait this long for the server's verdict before describing
const VERDICT_TOLERANCE = 1e-4;  // the server's z (float32) and the page's (float64) agree to this, relative
let padCounter = 0;

// Where z lies among q's contours, r = its Mahalanobis distance on the plane.
function ellipseWords(r) {
  if (r <= 1) return "inside q's 1σ ellipse";
  if (r <= 2) return "between q's 1σ and 2σ ellipses";
  if (r <= 3) return "between q's 2σ and 3σ ellipses";
  return `outside q's 3σ ellipse, ${r.toFixed(1)}σ from μ`;
}

// "a 2", "an 8", "an Ankle boot".
const withArticle = (name) => `${/^[aeiou8]/i.test(name) ? "an" : "a"} ${name}`;

class Pad {
  constructor(parentElement) {
    this.parent = parentElement;
    this.root = parentElement.querySelector(".lp-root");
    this.uid = ++padCounter;
    this.createdAt = performance.now();   // page clock: when this pad was built (for first_render)
    const q = (sel) => this.root.querySelector(sel);
    this.el = {
      plane: q(".lp-plane"), points: q(".lp-points"), svg: q(".lp-svg"),
      clip: q(".lp-clip"), clipRect: q(".lp-clip-rect"), bg: q(".lp-plane .lp-bg"),
      grid: q(".lp-grid"), axes: q(".lp-plane .lp-axes"), prior: q(".lp-prior"), clipped: q(".lp-clipped"),
      q: [q(".lp-q1"), q(".lp-q2"), q(".lp-q3")], sigmaEps: q(".lp-sigma-eps"), mu: q(".lp-mu"),
      z: q(".lp-z"), star: q(".lp-z-star"), legendStar: q(".lg-z"), image: q(".lp-image"), muRing: q(".lp-mu-ring"),
      heat: q(".lp-heat"), cloud: q(".lp-cloud"), scaleBar: q(".lp-scalebar"),
      aeNote: q(".lp-ae-note"), held: q(".lp-held"), readout: q(".lp-readout"), tail: q(".lp-tail"),
      digits: q(".lp-digits"), x: q(".lp-x"), muTex: q(".lp-mu-tex"), sigmaTex: q(".lp-sigma-tex"),
      edited: q(".lp-edited"), formula: q(".lp-formula"), epsPlane: q(".lp-eps-plane"),
      epsSvg: q(".lp-eps-svg"), epsClip: q(".lp-eps-clip"), epsClipRect: q(".lp-eps-clip-rect"),
      epsBg: q(".lp-eps-bg"), epsGrid: q(".lp-eps-grid"), epsAxes: q(".lp-eps-axes"),
      epsRings: q(".lp-eps-rings"), epsMarker: q(".lp-eps-marker"), epsClipped: q(".lp-eps-clipped"),
      epsCloud: q(".lp-eps-cloud"), epsDimsLabel: q(".lp-eps-dims"), inert: q(".lp-inert"),
      cloudOut: q(".lp-cloud-out"), strip: q(".lp-strip"), mean: q(".lp-mean"), k: q(".lp-k"),
      cloudCaption: q(".lp-cloud-caption"), legendHeat: q(".lp-legend-heat"), modes: q(".lp-modes"),
      describe: q(".lp-describe"), dimsNote: q(".lp-dims-note"), edgeMarker: q(".lp-edge-marker"),
    };
    // Clip each plot to its square (ids are per pad, in case styles are not isolated).
    for (const [clip, clipped, name] of [[this.el.clip, this.el.clipped, "z"], [this.el.epsClip, this.el.epsClipped, "e"]]) {
      clip.setAttribute("id", `lp-clip-${name}-${this.uid}`);
      clipped.setAttribute("clip-path", `url(#lp-clip-${name}-${this.uid})`);
    }
    this.modeInputs = [...this.root.querySelectorAll('input[name="lp-mode"]')];
    this.modeInputs.forEach((input) => { input.name = `lp-mode-${this.uid}`; });

    // State, written by messaging (from Python) and input (from the user).
    this.key = null;
    this.decoder = null;
    this.pointSet = null;
    this.colours = [];
    this.names = [];
    this.mu = new Float64Array(2);
    this.sigma = new Float64Array(2);
    this.epsVec = new Float64Array(2);
    this.z = new Float64Array(2);
    this.encMu = [0, 0];
    this.encSigma = [0, 0];
    this.epsLimit = 4;
    this.controls = true;        // sliders and the Encoder button below (false on the Tour)
    this.cloudEps = null;
    this.heat = null;
    this.projection = null;      // PlaneProjection: the plane shown (set by messaging)
    this.mode = "z";
    this.modeChosen = false;     // the user picked a mode: Python's default no longer applies
    this.tail = null;            // {eps: the |ε| the pointer asked for} while z is held at the limit
    this.dragging = false;
    this.dragSource = null;
    this.dirty = false;          // something moved since the last render
    this.cloudDirty = true;      // the cloud's decoded images are stale
    this.verdict = null;         // the server's classifier on decoder(z) for the z it holds: {z, label, confidence}
    this.describeTimer = 0;

    this.geometry = new PlaneGeometry(4);
    this.epsGeometry = new PlaneGeometry(4);
    this.drawing = new PadDrawing(this.el, this.geometry);
    this.epsDrawing = new EpsDrawing(this.el, this.epsGeometry);
    this.painter = new ImagePainter(this.el.image);
    this.meanPainter = new ImagePainter(this.el.mean);
    this.meter = new PadMeter(this.root);
    this.messaging = new PadMessaging(this);
    this.zInput = new PlaneInput(this, this.el.svg, this.el.plane, this.geometry, {
      source: () => (this.sigmaZero() ? "z" : this.mode === "mu" ? "mu" : "z"),
      point: () => this.projection.toPlane(this.mode === "mu" && !this.sigmaZero() ? this.mu : this.z),
      move: (a, b) => this.moveOnZPlane(a, b),
      home: () => this.projection.toPlane(this.mode === "mu" ? this.encMu : this.mu),
      zoom: (factor, a, b) => { this.geometry.zoomAt(factor, a, b); this.redrawView(); this.messaging.viewChanged(); },
      key: (e) => this.zPlaneKey(e),
    });
    this.epsInput = new PlaneInput(this, this.el.epsSvg, this.el.epsPlane, this.epsGeometry, {
      source: () => "eps",
      enabled: () => !this.sigmaZero(),
      point: () => this.epsDims().map((d) => this.epsVec[d]),
      move: (a, b) => this.moveEps(a, b),
      home: () => [0, 0],
    });
    this.clicks = (e) => this.onToolbar(e);
    this.root.addEventListener("click", this.clicks);
    this.modeChange = (e) => { if (e.target.checked) this.setMode(e.target.value, true); };
    this.modeInputs.forEach((input) => input.addEventListener("change", this.modeChange));
    renderStaticTex(this.root);
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.el.plane);
    this.resizeObserver.observe(this.el.epsPlane);
    this.firstScreen = new FirstScreen(this.root, this.el.plane, this.el.formula);
  }

  destroy() {
    this.zInput.destroy();
    this.epsInput.destroy();
    this.root.removeEventListener("click", this.clicks);
    this.modeInputs.forEach((input) => input.removeEventListener("change", this.modeChange));
    this.resizeObserver.disconnect();
    this.firstScreen.destroy();
    clearTimeout(this.messaging.viewTimer);
    clearTimeout(this.describeTimer);
    if (PADS.get(this.key) === this) PADS.delete(this.key);
    INSTANCES.delete(this.parent);
  }

  // ---- data from Python ----------------------------------------------------------------------
  update(data, setTriggerValue) {
    if (this.key !== data.key) {
      if (PADS.get(this.key) === this) PADS.delete(this.key);
      this.key = data.key;
      this.root.dataset.padKey = data.key;
    }
    PADS.set(this.key, this);
    const coloursChanged = !sameArray(data.colours, this.colours) || !sameArray(data.names || [], this.names);
    const { redrawStatic, redrawPoints, refit, defaultView, window, hadWeights } = this.messaging.receive(data, setTriggerValue);
    if (coloursChanged) this.drawing.legend(this.colours, this.names);
    this.root.dataset.specHash = data.spec.hash;
    this.root.dataset.specParses = String(specParses);
    this.root.dataset.lastDataHadWeights = String(hadWeights);
    const sigmaZero = this.sigmaZero();
    this.root.dataset.sigmaZero = String(sigmaZero);
    this.drawing.sigmaZero(sigmaZero);
    this.el.inert.hidden = !sigmaZero;
    this.el.legendHeat.hidden = !this.heat;
    this.labelCoordinates();
    this.epsGeometry.limit = this.epsLimit;
    this.epsGeometry.setView(0, 0, this.epsLimit);
    const cloudKey = JSON.stringify([Array.from(this.mu), Array.from(this.sigma), this.cloudEps]);
    if (cloudKey !== this.cloudKey) { this.cloudKey = cloudKey; this.cloudDirty = true; }

    if (refit && window) this.showWindow(window);
    else if (refit) this.fit(defaultView, false);
    if (redrawStatic || refit) this.layout();
    else if (redrawPoints) this.drawing.points(this.pointSet, this.colours, this.names);
    this.drawing.heat(this.heat);
    this.render();
    this.describe();
    this.root.dataset.ready = String(Boolean(this.decoder));
    this.firstScreen.measure();
    if (this.decoder && this.readyAt === undefined) this.readyAt = performance.now();
  }

  // Past two latent dimensions, the ε-plane and the μ, σ readout show two coordinates of many:
  // say which, and, on a plane of principal components, that the z-plane's axes are others.
  labelCoordinates() {
    const d = this.mu.length, [i, j] = this.epsDims(), proj = this.projection;
    const which = d > 2 ? `coordinates ${i + 1}, ${j + 1} of ${d}` : "";
    this.el.epsDimsLabel.textContent = which;
    this.el.dimsNote.hidden = !which;
    this.el.dimsNote.textContent = which && !proj.dims ? `${which}; the z-plane shows ${proj.labels.join("–")}` : which;
  }

  setDecoder(decoder) {
    this.decoder = decoder;
    if (decoder) {
      this.painter.setShape(decoder.width, decoder.height);
      this.meanPainter.setShape(decoder.width, decoder.height);
    }
  }

  layout() {
    const epsOk = this.epsGeometry.layout(this.el.epsPlane.clientWidth, this.el.epsPlane.clientHeight);
    if (epsOk) {
      const [i, j] = this.epsDims();
      this.epsDrawing.frame([`ε${sub(i + 1)}`, `ε${sub(j + 1)}`]);
    }
    if (!this.geometry.layout(this.el.plane.clientWidth, this.el.plane.clientHeight)) return;
    this.redrawView();
  }

  // Everything drawn in z-plane coordinates (after a zoom or a resize).
  redrawView() {
    if (!this.geometry.box || !this.projection) return;
    this.drawing.grid(this.projection);
    this.drawing.points(this.pointSet, this.colours, this.names);
    this.drawing.heat(this.heat);
    this.render();
    this.root.dataset.window = JSON.stringify(this.geometry.window());
  }

  // "q": q(z|x)'s 3σ ellipse fills the window (true scale: only the window changes, never σ);
  // "prior": the whole plane.
  fit(view, redraw = true) {
    const g = this.geometry;
    if (view === "q" && this.projection) {
      const [mx, my] = this.projection.toPlane(this.mu);
      const { rx } = this.projection.ellipse(this.sigma);
      g.setView(mx, my, rx > 0 ? FIT_Q_SIGMAS * rx : FIT_AE_HALF);
    } else {
      g.setView(0, 0, g.limit);
    }
    this.root.dataset.view = view;
    if (redraw) this.redrawView();
  }

  // A window Python kept (a link's zoom, or the user's own before a rerun): [cx, cy, half-width].
  showWindow([cx, cy, half]) {
    this.geometry.setView(cx, cy, half);
    this.root.dataset.view = "kept";
  }

  onToolbar(e) {
    const button = e.target.closest("button[data-act]");
    if (!button) return;
    const act = button.dataset.act, g = this.geometry;
    if (act === "fit-q") this.fit("q");
    else if (act === "fit-prior") this.fit("prior");
    else if (act === "zoom-in" || act === "zoom-out") {
      g.zoomAt(act === "zoom-in" ? 0.5 : 2, g.cx, g.cy);
      this.redrawView();
    } else return;
    this.messaging.viewChanged();
  }

  // The z-plane's own keys: + and − zoom about the window's centre, M switches the drag mode.
  zPlaneKey(e) {
    const g = this.geometry;
    if (e.key === "+" || e.key === "=" || e.key === "-" || e.key === "_" || e.key === "−") {
      if (!g.box) return true;
      g.zoomAt(e.key === "+" || e.key === "=" ? 0.5 : 2, g.cx, g.cy);
      this.redrawView();
      this.messaging.viewChanged();
      return true;
    }
    if (e.key === "m" || e.key === "M") {
      if (!this.sigmaZero()) { this.setMode(this.mode === "mu" ? "z" : "mu", true); this.describe(); }
      return true;
    }
    return false;
  }

  setMode(mode, byUser) {
    this.mode = mode === "mu" ? "mu" : "z";
    if (byUser) this.modeChosen = true;
    this.modeInputs.forEach((input) => { input.checked = input.value === this.mode; });
    this.root.dataset.mode = this.mode;
  }

  // ---- μ, σ, ε and z --------------------------------------------------------------------------
  sigmaZero() {
    const shown = (this.projection && this.projection.dims) || Array.from(this.sigma, (_, d) => d);
    return shown.every((d) => !(this.sigma[d] > 0));
  }

  epsDims() { return (this.projection && this.projection.dims) || [0, 1]; }

  // eps as the user sees it: null where sigma = 0 (z there is simply mu + 0).
  eps() { return Array.from(this.epsVec, (v, d) => (this.sigma[d] > 0 ? v : null)); }

  updateZ() {
    const z = new Float64Array(this.mu.length);
    for (let d = 0; d < z.length; d++) z[d] = this.mu[d] + this.sigma[d] * this.epsVec[d];
    this.z = z;
    this.dirty = true;
  }

  moveEps(a, b) {
    const L = this.epsLimit, [i, j] = this.epsDims();
    this.epsVec[i] = Math.max(-L, Math.min(L, a));
    this.epsVec[j] = Math.max(-L, Math.min(L, b));
    this.tail = null;
    this.updateZ();
  }

  // A drag on the z-plane to the plane point (a, b).
  moveOnZPlane(a, b) {
    const g = this.geometry, target = [g.clamp(a), g.clamp(b)];
    if (this.mode === "mu" || this.sigmaZero()) {
      // μ moves to the point and z = μ + σ ⊙ ε follows with ε held.
      this.mu = this.projection.lift(target, this.mu);
      this.tail = null;
    } else {
      // z moves; ε = (z − μ)/σ follows, held within ±epsLimit ("far in the tail" beyond).
      const wanted = this.projection.lift(target, this.z);
      const L = this.epsLimit;
      let worst = 0;
      for (let d = 0; d < wanted.length; d++) {
        if (!(this.sigma[d] > 0)) continue;
        const e = (wanted[d] - this.mu[d]) / this.sigma[d];
        worst = Math.max(worst, Math.abs(e));
        this.epsVec[d] = Math.max(-L, Math.min(L, e));
      }
      this.tail = worst > L ? { eps: worst } : null;
    }
    this.updateZ();
  }

  // ---- everything that depends on μ, σ, ε -----------------------------------------------------
  render() {
    const proj = this.projection;
    if (!proj) return;
    this.drawing.posterior(this.mu, this.sigma, proj);
    this.drawing.marker(this.z, proj);
    const [i, j] = this.epsDims();
    this.epsDrawing.marker(this.epsVec[i], this.epsVec[j]);
    this.renderCloud();
    this.renderText();
    this.root.dataset.z = JSON.stringify(Array.from(this.z));
    this.root.dataset.eps = JSON.stringify(Array.from(this.epsVec));
    this.root.dataset.mu = JSON.stringify(Array.from(this.mu));
    if (this.decoder && this.decoder.latentDim === this.z.length) {
      const t0 = performance.now();
      this.painter.paint(this.decoder.decode(this.z));
      this.meter.decoded(performance.now() - t0);
    }
    if (!this.dragging && this.cloudDirty) this.decodeCloud();
    this.dirty = false;
  }

  cloudPoints() {
    if (!this.cloudEps || this.sigmaZero()) return null;
    return this.cloudEps.map((e) => {
      const z = new Float64Array(this.mu.length);
      for (let d = 0; d < z.length; d++) z[d] = this.mu[d] + this.sigma[d] * e[d];
      return z;
    });
  }

  renderCloud() {
    const zs = this.cloudPoints();
    const [i, j] = this.epsDims();
    const colours = zs ? this.cloudEps.map((e) => cloudColour(e[i], e[j])) : null;
    this.drawing.cloud(zs, colours, this.projection);
    this.epsDrawing.cloud(zs ? this.cloudEps.map((e) => [e[i], e[j]]) : null, colours);
    if (this.dragSource === "mu") this.cloudDirty = true;
  }

  // The K samples decoded: a strip of the first few and the mean image of all.
  decodeCloud() {
    this.cloudDirty = false;
    const zs = this.cloudPoints();
    this.el.cloudOut.hidden = !zs || !this.decoder;
    if (!zs || !this.decoder) return;
    const n = this.decoder.numPixels, mean = new Float32Array(n), strip = [];
    zs.forEach((z, k) => {
      const pixels = this.decoder.decode(z);
      for (let p = 0; p < n; p++) mean[p] += pixels[p] / zs.length;
      if (k < STRIP_MAX) strip.push(Float32Array.from(pixels));
    });
    paintStrip(this.el.strip, strip, this.decoder.width, this.decoder.height, STRIP_HEIGHT);
    this.meanPainter.paint(mean);
    this.el.k.textContent = String(zs.length);
    this.el.cloudCaption.textContent = `decoded z₁…z${sub(Math.min(STRIP_MAX, zs.length))} of the ${zs.length} samples`;
    this.root.dataset.cloudDecoded = String(zs.length);
  }

  renderText() {
    const proj = this.projection, dims = this.epsDims();
    const sigmaZero = this.sigmaZero();
    // The encoder's output next to x; "set by hand (Encoder resets)" when the sliders moved away
    // from it, where there are sliders and an Encoder button (not on the Tour, whose steps set μ, σ).
    const show = proj.dims || [0, 1];
    renderTex(this.el.muTex, `\\mu = ${texVec(show.map((d) => this.mu[d]), 3)}`);
    renderTex(this.el.sigmaTex, `\\sigma = ${texVec(show.map((d) => this.sigma[d]), 3)}`);
    const edited = this.mu.some((v, d) => Math.abs(v - this.encMu[d]) > 5e-4) ||
      this.sigma.some((v, d) => Math.abs(v - this.encSigma[d]) > 5e-4);
    this.el.edited.hidden = !edited || !this.controls;
    this.root.dataset.edited = String(edited);
    if (sigmaZero) {
      renderTex(this.el.formula, `z = \\mu + 0 \\odot \\varepsilon = \\mu = ${coloured(TEX_COLOURS.z, texVec(show.map((d) => this.z[d]), 2))}` +
        dimsNote(show, this.mu.length));
    } else {
      renderTex(this.el.formula, liveFormula(this.mu, this.sigma, this.epsVec, this.z, dims));
    }
    if (this.tail) {
      this.el.tail.hidden = false;
      this.el.tail.textContent = `ε far in the tail: you asked for |ε| = ${fmt(this.tail.eps)}, beyond ±${this.epsLimit}, ` +
        `where q(z|x) has almost no mass. z stops at the ${this.epsLimit}σ box; switch to “μ” to go further.`;
    } else this.el.tail.hidden = true;
    this.root.dataset.tail = String(Boolean(this.tail));
    const others = [];
    for (let d = 0; d < this.z.length; d++) if (!show.includes(d)) others.push(d);
    this.el.held.hidden = !others.length;
    if (others.length) {
      this.el.held.textContent = proj.dims
        ? `Other dimensions held: ${others.map((d) => `z${sub(d + 1)} = ${fmt(this.z[d])}`).join(", ")}.`
        : `The z-plane is ${proj.labels.join("–")}; z keeps its other ${this.z.length - 2} directions.`;
    }
    this.el.modes.hidden = sigmaZero;
  }

  setDragging(on, source = null) {
    this.dragging = on;
    this.dragSource = on ? source : null;
    this.root.dataset.dragging = String(on);
    this.el.readout.setAttribute("aria-busy", String(on));   // no announcements mid-drag
    if (on) this.meter.dragStarted();
    else { this.meter.dragEnded(); }
  }

  commit(source, how) {
    this.meter.committed();
    this.messaging.commit(source, how);
    // Python answers with the classifier's verdict on the new z: describe once it is here, or
    // without it if no answer comes (the next update() describes at once and cancels this).
    clearTimeout(this.describeTimer);
    this.describeTimer = setTimeout(() => this.describe(), DESCRIBE_WAIT_MS);
  }

  // The planes in words, for screen readers (an aria-live region): where z is, how far from μ in
  // q's ellipses, ε, and what the decoded image looks like when the server has judged this z.
  describe() {
    clearTimeout(this.describeTimer);
    const proj = this.projection, el = this.el.describe;
    if (!proj || !el) return;
    const show = proj.dims || [0, 1];
    const vec = (v) => `(${v.map(fmt).join(", ")})`;
    const zText = proj.dims ? `z = ${vec(show.map((d) => this.z[d]))}` :
      `z on the ${proj.labels.join("–")} plane = ${vec(proj.toPlane(this.z))}`;
    const parts = [];
    if (this.sigmaZero()) parts.push(`${zText}, which is μ: a plain autoencoder adds no noise`);
    else {
      const r = proj.distance(this.z, this.mu, this.sigma);
      parts.push(zText);
      if (r !== null) parts.push(ellipseWords(r));
      parts.push(`ε = ${vec(show.map((d) => this.epsVec[d]))}`);
      if (this.mode === "mu") parts.push(`μ = ${vec(show.map((d) => this.mu[d]))} (the arrow keys move μ)`);
    }
    let text = parts.join(", ");
    const v = this.verdict;
    if (v && v.z.length === this.z.length && v.z.every((value, d) => Math.abs(value - this.z[d]) <= VERDICT_TOLERANCE * Math.max(1, Math.abs(value)))) {
      text += `; the decoded image looks like ${withArticle(v.label)}, ${Math.round(100 * v.confidence)} %`;
    }
    text += ".";
    if (el.textContent !== text) el.textContent = text;
  }
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
