// ---------------------------------------------------------------------------------------------
// weights.js: the decoder (an MLP forward pass over Float32Arrays, its weights sent as one binary
// Arrow column) and the gallery points (an Arrow table), parsed once per content hash and cached
// for as long as the page lives.
// ---------------------------------------------------------------------------------------------
const DECODERS = new Map();      // spec hash   -> Decoder (weights parsed once)
const POINT_SETS = new Map();    // points hash -> {n, xy: Float32Array(2n), labels: Uint8Array(n)}
const JIT_WARMUP_DECODES = 8;    // decodes run at parse time so the first drag frame is fast
let specParses = 0;              // how many times weights were parsed (should stay 1 per model)

// IEEE 754 half-precision bit patterns (Uint16Array) -> Float32Array, exactly.
function halfToFloat32(bits) {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i], sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * frac * 2 ** -24
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

// The flat weights column Python sends as an Arrow table (ui/latent_pad.py): float16 bit
// patterns (uint16) or float32, W_1, b_1, W_2, b_2, … (vae_core.models.export.packed_weights).
function flatWeights(table, dtype, n) {
  const column = table && typeof table.getChild === "function" ? table.getChild("w") : null;
  if (!column) throw new Error("the weights table has no column w");
  const raw = column.toArray();
  if (raw.length !== n) throw new Error(`expected ${n} weights, got ${raw.length}`);
  if (dtype === "float16") return halfToFloat32(raw);
  if (dtype === "float32") return Float32Array.from(raw);
  throw new Error(`unknown weights dtype ${dtype}`);
}

class Decoder {
  constructor(spec, weights) {
    const started = performance.now();
    this.hash = spec.hash;
    this.latentDim = spec.latent_dim;
    this.activation = spec.activation;
    if (!["relu", "elu", "tanh"].includes(this.activation)) {
      throw new Error(`unknown activation ${this.activation}`);
    }
    // (out, in) row-major weights, like torch's Linear, then the bias, layer after layer.
    const flat = flatWeights(weights, spec.weights_dtype, spec.num_params);
    let at = 0;
    this.layers = spec.layers.map((l) => {
      const W = flat.subarray(at, at + l.in * l.out);
      at += l.in * l.out;
      const b = flat.subarray(at, at + l.out);
      at += l.out;
      return { nIn: l.in, nOut: l.out, W, b };
    });
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
    for (let r = 0; r < JIT_WARMUP_DECODES; r++) { z.fill(r - JIT_WARMUP_DECODES / 2); this.decode(z); }
    this.parseMs = performance.now() - started;
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

// The gallery points Python sends as an Arrow table (ui/components/latent_pad/payloads.py):
// float32 columns x, y (the codes on the plane) and uint8 label; interleaved here for drawing.
function parsePoints(p, table) {
  const column = (name) => {
    const c = table && typeof table.getChild === "function" ? table.getChild(name) : null;
    if (!c) throw new Error(`the points table has no column ${name}`);
    const values = c.toArray();
    if (values.length !== p.n) throw new Error(`expected ${p.n} points, got ${values.length}`);
    return values;
  };
  const x = column("x"), y = column("y"), labels = Uint8Array.from(column("label"));
  const xy = new Float32Array(2 * p.n);
  for (let i = 0; i < p.n; i++) { xy[2 * i] = x[i]; xy[2 * i + 1] = y[i]; }
  return { n: p.n, xy, labels };
}

// The cached decoder / point set for a payload, parsing it if it carries the data; null if the
// page has neither the data nor a cached copy (the caller then asks Python for it).
function decoderFor(spec, weights) {
  if (!DECODERS.has(spec.hash) && weights) DECODERS.set(spec.hash, new Decoder(spec, weights));
  return DECODERS.get(spec.hash) || null;
}

// The sample cloud (ε_k, K rows of d) Python sends as an Arrow table with one column "eps",
// row after row; cached by hash, so a rerun that does not change it sends only its hash.
const CLOUDS = new Map();        // cloud hash -> Array of K arrays of d numbers
function cloudFor(c, table) {
  if (!CLOUDS.has(c.hash) && table) {
    const flat = table.getChild("eps").toArray();
    if (flat.length !== c.k * c.d) throw new Error(`expected ${c.k * c.d} cloud values, got ${flat.length}`);
    const rows = [];
    for (let r = 0; r < c.k; r++) rows.push(Array.from(flat.subarray(r * c.d, (r + 1) * c.d)));
    if (CLOUDS.size > 32) CLOUDS.clear();  // a page sees few clouds; keep the cache small
    CLOUDS.set(c.hash, rows);
  }
  return CLOUDS.get(c.hash) || null;
}

function pointSetFor(pts, table) {
  if (!POINT_SETS.has(pts.hash) && table) POINT_SETS.set(pts.hash, parsePoints(pts, table));
  return POINT_SETS.get(pts.hash) || null;
}
