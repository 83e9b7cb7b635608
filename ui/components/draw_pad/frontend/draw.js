// The drawing canvas: draw a digit with a mouse, pen or finger (pointer events), white on black as
// in MNIST; "Undo" removes the last stroke, "Clear" all of them. On every finished stroke (pen
// up), undo and clear, the whole drawing goes to Python as one trigger value, "drawing": its
// compact text (vae_core/data/drawing.py: each point two base64url characters, x then y, each
// a step 0..levels-1 of the canvas; strokes joined by "."). Python keeps that text in the
// session and sends it back as data.code, from which the canvas restores its strokes (after a
// page switch, or from a link).
//
// A Streamlit components.v2 ES module: the default export runs on mount and on every rerun with
// the same parentElement, so it keeps one DrawPad per parentElement and hands it the new data.
//
// Test hooks: the root [data-testid="draw-pad"] carries data-pad-key, data-strokes,
// data-points, data-sends, data-drawing and data-code; window.__drawPad has keys(),
// stats(key) -> {strokes, points, code, sends, penUpAt, actionAt, drawing, side} (times on the
// page's performance.now() clock), clientPoint(x, y, key) -> viewport px of canvas point
// (x, y) in [0, 1], and code(key).

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEPARATOR = ".";
const INSTANCES = new WeakMap();   // parentElement -> DrawPad
const BY_KEY = new Map();          // data.key -> DrawPad (the newest with that key)

function encode(strokes) {
  return strokes.map((s) => s.map(([x, y]) => ALPHABET[x] + ALPHABET[y]).join("")).join(SEPARATOR);
}

// Python validated the text before sending it (vae_core.data.drawing.decode_drawing), so this
// only reads it; anything unreadable gives an empty drawing.
function decode(code) {
  if (!code) return [];
  const strokes = [];
  for (const part of code.split(SEPARATOR)) {
    const stroke = [];
    for (let i = 0; i + 1 < part.length; i += 2) {
      const x = ALPHABET.indexOf(part[i]);
      const y = ALPHABET.indexOf(part[i + 1]);
      if (x < 0 || y < 0) return [];
      stroke.push([x, y]);
    }
    if (stroke.length) strokes.push(stroke);
  }
  return strokes;
}

class DrawPad {
  constructor(parentElement) {
    this.root = parentElement.querySelector(".dp-root");
    this.canvas = this.root.querySelector(".dp-canvas");
    this.ctx = this.canvas.getContext("2d");
    this.note = this.root.querySelector(".dp-note");
    this.buttons = {
      undo: this.root.querySelector('[data-act="undo"]'),
      clear: this.root.querySelector('[data-act="clear"]'),
    };
    this.key = null;
    this.levels = 64;
    this.pen = 0.075;
    this.maxPoints = 2000;
    this.maxStrokes = 64;
    this.strokes = [];           // arrays of [x, y] steps, 0..levels-1
    this.current = null;         // the stroke being drawn
    this.pointerId = null;
    this.setTriggerValue = null;
    this.lastPython = null;      // data.code of the last message
    this.latestSent = null;      // the last text we sent
    this.inFlight = [];          // texts sent since Python last echoed our latest one
    this.sends = 0;
    this.penUpAt = null;
    this.actionAt = null;

    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => this.down(e));
    c.addEventListener("pointermove", (e) => this.move(e));
    c.addEventListener("pointerup", (e) => this.up(e));
    c.addEventListener("pointercancel", (e) => this.up(e));
    c.addEventListener("lostpointercapture", (e) => this.up(e));
    c.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); this.undo(); }
    });
    this.root.querySelector(".dp-tools").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-act]");
      if (!button || button.disabled) return;
      if (button.dataset.act === "undo") this.undo();
      else this.clear();
    });
    this.resizer = new ResizeObserver(() => this.redraw());
    this.resizer.observe(c);
  }

  // ---- data from Python ----------------------------------------------------------------------
  update(data, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
    if (data.key !== this.key) {
      this.key = data.key;
      this.root.dataset.padKey = data.key;
    }
    BY_KEY.set(this.key, this);
    this.levels = data.levels;
    this.pen = data.pen;
    this.maxPoints = data.max_points;
    this.maxStrokes = data.max_strokes;
    const code = data.code || "";
    // The canvas is drawn after the μ, σ readout (ui/draw_pad.py), so once this data is here the
    // readout is on screen too: now ask Python to bring the rest of the page up to this drawing.
    if (data.page_stale && code === this.latestSent && this.followed !== code && this.setTriggerValue) {
      this.followed = code;
      setTriggerValue("follow", code);
    }
    if (code !== this.lastPython) {
      this.lastPython = code;
      if (code === this.latestSent) {
        this.inFlight = [];                       // Python has caught up with us
      } else if (!this.inFlight.includes(code) && !this.current) {
        // Not a late echo of one of our own earlier strokes: a page switch, a link, a new session.
        this.strokes = decode(code);
        this.inFlight = [];
        this.latestSent = null;
      }
    }
    this.redraw();
  }

  // ---- pointer input -------------------------------------------------------------------------
  step(e) {
    const rect = this.canvas.getBoundingClientRect();
    const top = this.levels - 1;
    const at = (v, lo, size) => Math.round(Math.min(1, Math.max(0, (v - lo) / size)) * top);
    return [at(e.clientX, rect.left, rect.width), at(e.clientY, rect.top, rect.height)];
  }

  points() {
    return this.strokes.reduce((n, s) => n + s.length, 0);
  }

  down(e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    if (this.current) return;
    e.preventDefault();
    if (this.strokes.length >= this.maxStrokes || this.points() >= this.maxPoints) {
      this.note.textContent = "That is as much as one drawing holds: undo or clear.";
      return;
    }
    this.note.textContent = "";
    this.canvas.setPointerCapture(e.pointerId);
    this.pointerId = e.pointerId;
    this.current = [this.step(e)];
    this.strokes.push(this.current);
    this.root.dataset.drawing = "true";
    this.redraw();
  }

  move(e) {
    if (e.pointerId !== this.pointerId || !this.current) return;
    const events = (e.getCoalescedEvents && e.getCoalescedEvents()) || [];
    let total = this.points();
    for (const ev of events.length ? events : [e]) {
      const p = this.step(ev);
      const last = this.current[this.current.length - 1];
      if ((p[0] !== last[0] || p[1] !== last[1]) && total < this.maxPoints) {
        this.current.push(p);
        total += 1;
      }
    }
    this.redraw();
  }

  up(e) {
    if (e.pointerId !== this.pointerId || !this.current) return;
    this.pointerId = null;
    this.current = null;
    this.root.dataset.drawing = "false";
    this.penUpAt = performance.now();
    this.send();
  }

  undo() {
    if (this.current || !this.strokes.length) return;
    this.strokes.pop();
    this.note.textContent = "";
    this.send();
  }

  clear() {
    if (this.current || !this.strokes.length) return;
    this.strokes = [];
    this.note.textContent = "";
    this.send();
  }

  send() {
    const code = encode(this.strokes);
    this.latestSent = code;
    this.inFlight.push(code);
    this.sends += 1;
    this.actionAt = performance.now();
    this.redraw();
    if (this.setTriggerValue) this.setTriggerValue("drawing", code);
  }

  // ---- drawing -------------------------------------------------------------------------------
  redraw() {
    const c = this.canvas;
    const css = c.clientWidth;
    if (!css) return;
    const dpr = window.devicePixelRatio || 1;
    const px = Math.round(css * dpr);
    if (c.width !== px || c.height !== px) { c.width = px; c.height = px; }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, px, px);
    // As vae_core/data/drawing.py rasterises: step s at s / (levels - 1) of the side, pen width
    // `pen` of the side, round caps and joins, a lone point a dot.
    const scale = (px - 1) / (this.levels - 1);
    const width = this.pen * px;
    ctx.strokeStyle = ctx.fillStyle = "#fff";
    ctx.lineWidth = width;
    ctx.lineCap = ctx.lineJoin = "round";
    for (const stroke of this.strokes) {
      ctx.beginPath();
      if (stroke.length === 1) {
        ctx.arc(stroke[0][0] * scale, stroke[0][1] * scale, width / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.moveTo(stroke[0][0] * scale, stroke[0][1] * scale);
      for (let i = 1; i < stroke.length; i++) ctx.lineTo(stroke[i][0] * scale, stroke[i][1] * scale);
      ctx.stroke();
    }
    const empty = this.strokes.length === 0;
    this.buttons.undo.disabled = empty || Boolean(this.current);
    this.buttons.clear.disabled = empty || Boolean(this.current);
    const d = this.root.dataset;
    d.strokes = String(this.strokes.length);
    d.points = String(this.points());
    d.sends = String(this.sends);
    d.code = this.current ? "" : encode(this.strokes);
  }

  stats() {
    return {
      strokes: this.strokes.length, points: this.points(), code: encode(this.strokes), sends: this.sends,
      penUpAt: this.penUpAt, actionAt: this.actionAt, drawing: Boolean(this.current), side: this.canvas.clientWidth,
    };
  }

  destroy() {
    this.resizer.disconnect();
    if (BY_KEY.get(this.key) === this) BY_KEY.delete(this.key);
  }
}

function padFor(key) {
  const pad = key === undefined ? [...BY_KEY.values()].pop() : BY_KEY.get(key);
  if (!pad) throw new Error(`no drawing pad ${key === undefined ? "on the page" : key}`);
  return pad;
}

window.__drawPad = {
  keys: () => [...BY_KEY.keys()],
  stats: (key) => padFor(key).stats(),
  code: (key) => padFor(key).stats().code,
  clientPoint: (x, y, key) => {
    const rect = padFor(key).canvas.getBoundingClientRect();
    return { x: rect.left + x * rect.width, y: rect.top + y * rect.height };
  },
};

// ---------------------------------------------------------------------------------------------
// Streamlit entry point
// ---------------------------------------------------------------------------------------------
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let pad = INSTANCES.get(parentElement);
  if (pad && !pad.root.isConnected) { pad.destroy(); pad = null; }   // HTML was re-created
  if (!pad) {
    if (!parentElement.querySelector(".dp-root")) return undefined;
    pad = new DrawPad(parentElement);
    INSTANCES.set(parentElement, pad);
  }
  if (data) pad.update(data, setTriggerValue);
  // Streamlit keeps only the latest cleanup; a superseded call's cleanup must not destroy the pad.
  const generation = (pad.generation = (pad.generation || 0) + 1);
  return () => { if (pad.generation === generation) pad.destroy(); };
}
