// ---------------------------------------------------------------------------------------------
// instrumentation.js: counters the browser tests and benchmarks read — data-* attributes on the
// pad's root, pad.stats(), and the window.__latentPad hook (every method takes an optional pad
// key, the `key` given in Python; without it, the most recently created pad).
// ---------------------------------------------------------------------------------------------
const DECODE_SAMPLES = 240;      // decode times kept for the median
const PADS = new Map();          // Python key -> Pad

class PadMeter {
  constructor(root) {
    this.root = root;
    this.frames = 0;             // animation frames run while dragging
    this.decodes = 0;            // decodes done (any cause)
    this.lastDecodeMs = 0;
    this.decodeTimes = [];
    this.commits = 0;
    this.drag = { start: 0, frames: 0, decodes: 0, fps: 0, decodeFps: 0 };
  }

  set(name, value) { this.root.dataset[name] = String(value); }

  frame() {
    this.frames += 1;
    this.drag.frames += 1;
    this.set("frames", this.frames);
  }

  decoded(ms) {
    this.lastDecodeMs = ms;
    this.decodeTimes.push(ms);
    if (this.decodeTimes.length > DECODE_SAMPLES) this.decodeTimes.shift();
    this.decodes += 1;
    this.set("decodes", this.decodes);
    this.set("lastDecodeMs", ms.toFixed(3));
  }

  dragStarted() {
    this.drag = { start: performance.now(), frames: 0, decodes: this.decodes, fps: 0, decodeFps: 0 };
  }

  dragEnded() {
    const seconds = (performance.now() - this.drag.start) / 1000;
    if (seconds > 0) {
      this.drag.fps = this.drag.frames / seconds;
      this.drag.decodeFps = (this.decodes - this.drag.decodes) / seconds;
      this.set("dragFps", this.drag.fps.toFixed(1));
    }
  }

  committed() {
    this.commits += 1;
    this.set("commits", this.commits);
  }

  stats(pad) {
    return {
      key: pad.key, ready: Boolean(pad.decoder), frames: this.frames, decodes: this.decodes,
      lastDecodeMs: this.lastDecodeMs, decodeMsP50: median(this.decodeTimes),
      dragFps: this.drag.fps, dragDecodeFps: this.drag.decodeFps, dragging: pad.dragging,
      commits: this.commits, specParses, z: Array.from(pad.z), dims: pad.projection ? pad.projection.dims : null,
      plane: pad.projection ? pad.projection.toPlane(pad.z) : null,
      mu: Array.from(pad.mu), sigma: Array.from(pad.sigma), eps: Array.from(pad.epsVec),
      mode: pad.mode, tail: pad.tail, window: pad.geometry.window(), view: pad.root.dataset.view || null,
      // On-screen size (CSS px) of q(z|x)'s 1σ, 2σ and 3σ ellipses: [[width, height], ...].
      ellipsePx: pad.el.q.map((el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; }),
      scaleBar: { length: Number(pad.el.scaleBar.dataset.length), px: Number(pad.el.scaleBar.dataset.px) },
      heat: pad.heat ? { box: pad.heat.box, peak: pad.heat.peak } : null, cloud: pad.cloudEps ? pad.cloudEps.length : 0,
      cloudDecoded: Number(pad.root.dataset.cloudDecoded || 0),
      createdAt: pad.createdAt, readyAt: pad.readyAt ?? null, parseMs: pad.decoder ? pad.decoder.parseMs : null,
    };
  }
}

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
    // Decode an arbitrary z (full latent vector) with the pad's decoder: its pixels in [0, 1].
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
    stats: (key) => padFor(key).meter.stats(padFor(key)),
    // Viewport coordinates (CSS px) of the latent point (zi, zj) on the pad's plane.
    clientPoint: (zi, zj, key) => {
      const pad = padFor(key);
      return pad.geometry.latentToClient(pad.el.plane.getBoundingClientRect(), zi, zj);
    },
    // Viewport coordinates (CSS px) of the noise value (e0, e1) on the pad's ε-plane.
    epsClientPoint: (e0, e1, key) => {
      const pad = padFor(key);
      return pad.epsGeometry.latentToClient(pad.el.epsPlane.getBoundingClientRect(), e0, e1);
    },
    // The pixels on display now, as last decoded.
    pixels: (key) => Array.from(padFor(key).painter.lastPixels),
    specParses: () => specParses,
    // Forget the cached weights and points, as a fresh module would (tests the "need" request).
    dropCaches: () => { DECODERS.clear(); POINT_SETS.clear(); CLOUDS.clear(); REQUESTED.clear(); },
  };
}
