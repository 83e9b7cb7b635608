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
//
// The code is split by job into js/*.js (util, weights, geometry, drawing, input, messaging,
// instrumentation), which ui/latent_pad.py joins, in that order and before this file, into one
// module: plain JavaScript, no build step. This file holds the Pad, which owns the state and
// composes the parts, and the Streamlit entry point.

const INSTANCES = new WeakMap(); // parentElement -> Pad
let padCounter = 0;

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
      q: [q(".lp-q1"), q(".lp-q2")], sigmaEps: q(".lp-sigma-eps"), mu: q(".lp-mu"),
      z: q(".lp-z"), star: q(".lp-z-star"), legendStar: q(".lg-z"), image: q(".lp-image"),
      zVal: q(".lp-z-val"), epsVal: q(".lp-eps-val"), epsRow: q(".lp-eps-row"),
      aeNote: q(".lp-ae-note"), muVal: q(".lp-mu-val"), sigmaVal: q(".lp-sigma-val"),
      held: q(".lp-held"), readout: q(".lp-readout"), digits: q(".lp-digits"),
    };
    // Clip the plot to its square (ids are per pad, in case styles are not isolated).
    const clipId = `lp-clip-${this.uid}`;
    this.el.clip.setAttribute("id", clipId);
    this.el.clipped.setAttribute("clip-path", `url(#${clipId})`);

    // State, written by messaging (from Python) and input (from the user).
    this.key = null;
    this.decoder = null;
    this.pointSet = null;
    this.colours = [];
    this.mu = [0, 0];
    this.sigma = [0, 0];
    this.z = new Float64Array(2);
    this.projection = null;      // PlaneProjection: the plane shown (set by messaging)
    this.extent = 4;
    this.dragging = false;
    this.dirty = false;          // z moved since the last decode

    this.geometry = new PlaneGeometry();
    this.drawing = new PadDrawing(this.el, this.geometry);
    this.painter = new ImagePainter(this.el.image);
    this.meter = new PadMeter(this.root);
    this.messaging = new PadMessaging(this);
    this.input = new PadInput(this);
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.el.plane);
  }

  destroy() {
    this.input.destroy();
    this.resizeObserver.disconnect();
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
    const coloursChanged = !sameArray(data.colours, this.colours);
    const { redrawStatic, redrawPoints, hadWeights } = this.messaging.receive(data, setTriggerValue);
    if (coloursChanged) this.drawing.legend(this.colours);
    this.root.dataset.specHash = data.spec.hash;
    this.root.dataset.specParses = String(specParses);
    this.root.dataset.lastDataHadWeights = String(hadWeights);

    const shown = this.projection.dims || this.sigma.map((_, d) => d);   // a PCA plane mixes them all
    const sigmaZero = shown.every((d) => !(this.sigma[d] > 0));
    this.root.dataset.sigmaZero = String(sigmaZero);
    this.drawing.sigmaZero(sigmaZero);

    if (redrawStatic) this.layout();
    else if (redrawPoints) this.drawing.points(this.pointSet, this.colours);
    this.drawing.posterior(this.mu, this.sigma, this.z, this.projection);
    this.renderZ();
    this.root.dataset.ready = String(Boolean(this.decoder));
  }

  setDecoder(decoder) {
    this.decoder = decoder;
    if (decoder) this.painter.setShape(decoder.width, decoder.height);
  }

  layout() {
    if (!this.geometry.layout(this.el.plane.clientWidth, this.el.plane.clientHeight, this.extent)) return;
    this.drawing.grid(this.projection);
    this.drawing.points(this.pointSet, this.colours);
    this.drawing.posterior(this.mu, this.sigma, this.z, this.projection);
    this.drawing.marker(this.z, this.projection);
  }

  // ---- z and what depends on it ---------------------------------------------------------------
  eps() {
    // eps = (z - mu) / sigma per dimension; null where sigma = 0 (z there is simply mu + 0).
    return Array.from(this.z, (v, d) => (this.sigma[d] > 0 ? (v - this.mu[d]) / this.sigma[d] : null));
  }

  // Move z to the plane point (zi, zj), clamped to the plot; every coordinate off the plane stays.
  setPlaneZ(zi, zj) {
    const a = this.geometry.clamp(zi), b = this.geometry.clamp(zj);
    const [pa, pb] = this.projection.toPlane(this.z);
    if (a !== pa || b !== pb) {
      this.z = this.projection.lift([a, b], this.z);
      this.dirty = true;
    }
  }

  // Everything that depends on z: marker, readout, image.
  renderZ() {
    this.drawing.marker(this.z, this.projection);
    this.drawing.readout(this.z, this.eps(), this.projection);
    this.root.dataset.z = JSON.stringify(Array.from(this.z));
    if (this.decoder && this.decoder.latentDim === this.z.length) {
      const t0 = performance.now();
      this.painter.paint(this.decoder.decode(this.z));
      this.meter.decoded(performance.now() - t0);
    }
    this.dirty = false;
  }

  setDragging(on) {
    this.dragging = on;
    this.root.dataset.dragging = String(on);
    this.el.readout.setAttribute("aria-busy", String(on));   // no announcements mid-drag
    if (on) this.meter.dragStarted();
    else this.meter.dragEnded();
  }

  commit(source) {
    this.meter.committed();
    this.messaging.commit(source);
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
