// ---------------------------------------------------------------------------------------------
// messaging.js: the conversation with Python. Data in (weights and points by hash, mu, sigma,
// z, the plane's projection, extent, colours); triggers out: "commit" (z and eps on release) and "need" (resend
// weights or points this page lacks).
// ---------------------------------------------------------------------------------------------
const NEED_RETRY_MS = 3000;      // at most one "need" per hash this often, so a lost reply cannot loop
const REQUESTED = new Map();     // hash -> performance.now() of our last "need" request

class PadMessaging {
  constructor(pad) {
    this.pad = pad;
    this.setTriggerValue = null;
    this.lastDataZ = null;       // the z Python sent last time (we follow Python only when it changes)
  }

  // Apply one message from Python; returns {redrawStatic, redrawPoints}.
  receive(data, setTriggerValue) {
    const pad = this.pad;
    this.setTriggerValue = setTriggerValue;
    const missing = [];
    // Weights and points: parse once per hash, then reuse from the module cache.
    pad.setDecoder(decoderFor(data.spec));
    if (!pad.decoder) missing.push(data.spec.hash);
    let pointSet = null;
    if (data.points) {
      pointSet = pointSetFor(data.points);
      if (!pointSet) missing.push(data.points.hash);
    }
    if (missing.length) this.requestMissing(missing);

    const projection = new PlaneProjection(data.projection);
    const redrawStatic = !pad.geometry.box || data.extent !== pad.geometry.extent || !pad.projection ||
      projection.key !== pad.projection.key || !sameArray(projection.labels, pad.projection.labels);
    const redrawPoints = redrawStatic || pointSet !== pad.pointSet || !sameArray(data.colours, pad.colours);
    if (redrawStatic) pad.projection = projection;
    pad.extent = data.extent;
    pad.pointSet = pointSet;
    pad.colours = data.colours.slice();
    pad.mu = data.mu.slice();
    pad.sigma = data.sigma.slice();

    // z: follow Python when it sends a different z than last time (a slider moved, a new input),
    // but keep the user's own z across reruns that merely echo the old one. Never while dragging.
    const dataZ = JSON.stringify(data.z);
    if (dataZ !== this.lastDataZ || pad.z.length !== data.z.length) {
      this.lastDataZ = dataZ;
      if (!pad.dragging || pad.z.length !== data.z.length) pad.z = Float64Array.from(data.z);
    }
    return { redrawStatic, redrawPoints, hadWeights: Boolean(data.spec.layers) };
  }

  requestMissing(hashes) {
    // Ask Python to resend weights/points this page lacks (e.g. after a hot reload of this module).
    const now = performance.now();
    const ask = hashes.filter((h) => !(now - (REQUESTED.get(h) ?? -1e9) < NEED_RETRY_MS));
    if (!ask.length || !this.setTriggerValue) return;
    ask.forEach((h) => REQUESTED.set(h, now));
    this.setTriggerValue("need", { hashes: ask });
  }

  commit(source) {
    const pad = this.pad;
    if (!this.setTriggerValue) return;
    const dims = pad.projection.dims || [0, 1];
    this.setTriggerValue("commit", { z: Array.from(pad.z), eps: pad.eps(), dims, source });
  }
}
