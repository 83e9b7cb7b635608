// ---------------------------------------------------------------------------------------------
// messaging.js: the conversation with Python. Data in: the decoder (header as JSON, weights as
// one binary Arrow column, sent once per session) and the gallery points by hash; μ, σ, ε of
// q(z|x) and the encoder's own μ(x), σ(x); the input image; the sample cloud's ε_k; the true
// posterior's heat-map; the plane's projection, extent and colours. Triggers out: "commit" (on
// release) and "need" (resend weights or points this page lacks).
// ---------------------------------------------------------------------------------------------
const VIEW_REPORT_MS = 400;      // a zoom is reported to Python once the wheel has been still this long
const VIEW_POLL_MS = 100;        // ... and then once no run the pad started is on its way (polled this often)
const VIEW_WAIT_MAX_MS = 10000;  // ... or at the latest this long after the zoom, whatever is on its way
const NEED_RETRY_MS = 3000;      // at most one "need" per hash this often, so a lost reply cannot loop
const PRESENT_TEXT_SCALE = 18 / 11;  // presentation mode: tick labels 11 px -> 18 px, margins alike
const REQUESTED = new Map();     // hash -> performance.now() of our last "need" request

class PadMessaging {
  constructor(pad) {
    this.pad = pad;
    this.setTriggerValue = null;
    this.lastState = null;       // μ, σ, ε Python sent last time (we follow Python only when they change)
    this.lastViewKey = null;
    this.viewTimer = null;
    this.viewAskedAt = 0;        // performance.now() of the zoom waiting to be reported
    this.awaitingAnswer = false; // a commit was sent and no payload has come back since
  }

  // Apply one message from Python; returns what needs redrawing.
  receive(data, setTriggerValue) {
    const pad = this.pad;
    this.setTriggerValue = setTriggerValue;
    this.awaitingAnswer = false;
    const missing = [];
    // Weights and points: parse once per hash, then reuse from the module cache.
    pad.setDecoder(decoderFor(data.spec, data.weights));
    if (!pad.decoder) missing.push(data.spec.hash);
    let pointSet = null;
    if (data.points) {
      pointSet = pointSetFor(data.points, data.points_table);
      if (!pointSet) missing.push(data.points.hash);
    }
    if (missing.length) this.requestMissing(missing);

    const projection = new PlaneProjection(data.projection);
    const newPlane = !pad.projection || projection.key !== pad.projection.key ||
      !sameArray(projection.labels, pad.projection.labels);
    // Presentation mode: the pad's text at 18 px or more (layout.css), the planes' margins and
    // label gaps grown with it (the frame is redrawn when the mode changes).
    const present = Boolean(data.presentation);
    const presentChanged = present !== pad.present;
    pad.present = present;
    pad.root.classList.toggle("lp-present", present);
    pad.geometry.textScale = pad.epsGeometry.textScale = present ? PRESENT_TEXT_SCALE : 1;
    const redrawStatic = !pad.geometry.box || data.extent !== pad.geometry.limit || newPlane || presentChanged;
    const redrawPoints = redrawStatic || pointSet !== pad.pointSet || !sameArray(data.colours, pad.colours);
    if (newPlane || !pad.projection) pad.projection = projection;
    pad.geometry.limit = data.extent;
    pad.pointSet = pointSet;
    pad.colours = data.colours.slice();
    pad.names = (data.names || []).slice();
    pad.encMu = data.enc_mu.slice();
    pad.encSigma = data.enc_sigma.slice();
    pad.heat = data.heat || null;
    pad.verdict = data.verdict || null;
    pad.cloudEps = null;
    if (data.cloud) {
      pad.cloudEps = cloudFor(data.cloud, data.cloud_table);
      if (!pad.cloudEps) this.requestMissing([data.cloud.hash]);
    }
    pad.epsLimit = data.eps_limit;
    const slidersNote = pad.root.querySelector(".lp-help-sliders");
    pad.controls = data.sliders !== false;  // no sliders below (the tour)
    if (slidersNote) slidersNote.hidden = !pad.controls;
    if (data.x_png && pad.el.x.getAttribute("src") !== data.x_png) pad.el.x.setAttribute("src", data.x_png);
    if (data.mode && !pad.modeChosen) pad.setMode(data.mode, false);

    // μ, σ, ε: follow Python when it sends different values than last time (a slider moved, a
    // new input), but keep the user's own across reruns that merely echo the old ones. Never
    // while dragging.
    const state = JSON.stringify([data.mu, data.sigma, data.eps]);
    if (state !== this.lastState || pad.mu.length !== data.mu.length) {
      this.lastState = state;
      if (!pad.dragging || pad.mu.length !== data.mu.length) {
        pad.mu = Float64Array.from(data.mu);
        pad.sigma = Float64Array.from(data.sigma);
        pad.epsVec = Float64Array.from(data.eps);
        pad.updateZ();
      }
    }
    // A new model or input: show q(z|x) (or the prior) afresh.
    const refit = data.view_key !== this.lastViewKey;
    this.lastViewKey = data.view_key;
    return {
      redrawStatic, redrawPoints, refit, defaultView: data.default_view, window: data.window || null,
      hadWeights: Boolean(data.weights),
    };
  }

  requestMissing(hashes) {
    // Ask Python to resend weights/points this page lacks (e.g. after a hot reload of this module).
    const now = performance.now();
    const ask = hashes.filter((h) => !(now - (REQUESTED.get(h) ?? -1e9) < NEED_RETRY_MS));
    if (!ask.length || !this.setTriggerValue) return;
    ask.forEach((h) => REQUESTED.set(h, now));
    this.setTriggerValue("need", { hashes: ask });
  }

  // The user zoomed or pressed a fit button: tell Python the window once it has settled (so a
  // link can carry it), not on every wheel event, and not while a run the pad started is on its
  // way. Streamlit sends every widget's value with a message: sent before the run a commit started
  // has reached the page, the report would carry the sliders' old μ and ε, and their callbacks
  // would undo the commit (a drag of μ released just after "fit prior" snapped back).
  viewChanged() {
    clearTimeout(this.viewTimer);
    this.viewAskedAt = performance.now();
    this.viewTimer = setTimeout(() => this.reportView(), VIEW_REPORT_MS);
  }

  reportView() {
    const waited = performance.now() - this.viewAskedAt;
    if ((this.awaitingAnswer || appRunning()) && waited < VIEW_WAIT_MAX_MS) {
      this.viewTimer = setTimeout(() => this.reportView(), VIEW_POLL_MS);
      return;
    }
    const g = this.pad.geometry;
    if (this.setTriggerValue) this.setTriggerValue("view", { window: [g.cx, g.cy, g.half] });
  }

  commit(source, how) {
    const pad = this.pad;
    if (!this.setTriggerValue) return;
    const dims = pad.projection.dims || [0, 1];
    this.awaitingAnswer = true;
    this.setTriggerValue("commit", {
      z: Array.from(pad.z), eps: pad.eps(), mu: Array.from(pad.mu), dims, source, input: how, mode: pad.mode,
    });
  }
}

// Whether the app has asked for a run or is running one (a script or a fragment): the page has
// not yet received all of it, its sliders included. Read from the attribute Streamlit keeps on its
// root element (data-test-script-state: "rerunRequested", "running", "notRunning", ...); without
// it (another Streamlit), never.
function appRunning() {
  const state = document.querySelector('[data-testid="stApp"]')?.getAttribute("data-test-script-state");
  return state === "running" || state === "rerunRequested";
}
