// ---------------------------------------------------------------------------------------------
// input.js: pointer and keyboard. A drag moves z and the image follows on every animation frame;
// arrow keys move z in steps; releasing the pointer or the key commits z to Python once.
// ---------------------------------------------------------------------------------------------
const KEY_STEPS = 40;          // an arrow key moves z by extent / 40 (0.1 for extent 4)
const BIG_STEP = 5;            // Shift + arrow: five steps
const GRAB_RADIUS_PX = 18;     // a press this close to the star grabs it without a jump
const MOVE_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home"];

class PadInput {
  constructor(pad) {
    this.pad = pad;
    this.target = pad.el.svg;
    this.pointerId = null;
    this.grab = [0, 0];        // offset from pointer to marker when the drag began on the marker
    this.rafId = 0;
    this.keyRaf = 0;
    this.keyMoved = false;
    this.frame = this.frame.bind(this);
    // One table for attaching and detaching, so the two can never drift apart.
    this.listeners = [
      ["pointerdown", this.onPointerDown], ["pointermove", this.onPointerMove],
      ["pointerup", this.onPointerUp], ["pointercancel", this.onPointerUp],
      ["lostpointercapture", this.onPointerUp], ["keydown", this.onKeyDown],
      ["keyup", this.onKeyUp], ["blur", this.onBlur],
    ].map(([type, handler]) => [type, handler.bind(this)]);
    for (const [type, handler] of this.listeners) this.target.addEventListener(type, handler);
  }

  destroy() {
    cancelAnimationFrame(this.rafId);
    cancelAnimationFrame(this.keyRaf);
    for (const [type, handler] of this.listeners) this.target.removeEventListener(type, handler);
  }

  pointerLatent(e) {
    return this.pad.geometry.clientToLatent(this.pad.el.plane.getBoundingClientRect(), e.clientX, e.clientY);
  }

  onPointerDown(e) {
    const pad = this.pad;
    if (pad.dragging || !pad.geometry.box || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    this.target.focus({ preventScroll: true });
    const [pi, pj] = this.pointerLatent(e);
    const [zi, zj] = pad.projection.toPlane(pad.z);
    // Pressing on the star keeps the grab offset (no jump); elsewhere z jumps to the pointer.
    const scale = pad.geometry.box.scale;
    const dx = (zi - pi) * scale, dy = (zj - pj) * scale;
    this.grab = dx * dx + dy * dy <= GRAB_RADIUS_PX ** 2 ? [zi - pi, zj - pj] : [0, 0];
    this.target.setPointerCapture(e.pointerId);
    this.pointerId = e.pointerId;
    pad.setDragging(true);
    pad.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);
    cancelAnimationFrame(this.rafId);
    this.rafId = requestAnimationFrame(this.frame);
  }

  onPointerMove(e) {
    if (!this.pad.dragging || e.pointerId !== this.pointerId) return;
    const [pi, pj] = this.pointerLatent(e);
    this.pad.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);   // drawn on the next frame
  }

  frame() {
    const pad = this.pad;
    if (!pad.dragging) return;
    pad.meter.frame();
    if (pad.dirty) pad.renderZ();
    this.rafId = requestAnimationFrame(this.frame);
  }

  // pointerup ends a drag where the pointer is; pointercancel / lostpointercapture (the browser
  // took the pointer away) end it where z last was. Each commits z.
  onPointerUp(e) {
    const pad = this.pad;
    if (!pad.dragging || e.pointerId !== this.pointerId) return;
    if (e.type === "pointerup") {
      const [pi, pj] = this.pointerLatent(e);
      pad.setPlaneZ(pi + this.grab[0], pj + this.grab[1]);
    }
    cancelAnimationFrame(this.rafId);
    this.pointerId = null;
    pad.setDragging(false);
    if (pad.dirty) pad.renderZ();
    pad.commit("drag");
  }

  onKeyDown(e) {
    const pad = this.pad;
    const step = (pad.geometry.extent / KEY_STEPS) * (e.shiftKey ? BIG_STEP : 1);
    let di = 0, dj = 0;
    switch (e.key) {
      case "ArrowLeft": di = -step; break;
      case "ArrowRight": di = step; break;
      case "ArrowUp": dj = step; break;
      case "ArrowDown": dj = -step; break;
      case "Home": pad.setPlaneZ(...pad.projection.toPlane(pad.mu)); break;
      case "Enter": e.preventDefault(); this.keyMoved = false; pad.commit("key"); return;
      default: return;
    }
    e.preventDefault();
    if (di || dj) {
      const [zi, zj] = pad.projection.toPlane(pad.z);
      pad.setPlaneZ(zi + di, zj + dj);
    }
    this.keyMoved = true;
    // Coalesce auto-repeat into one decode per frame.
    if (!this.keyRaf) {
      this.keyRaf = requestAnimationFrame(() => { this.keyRaf = 0; if (pad.dirty) pad.renderZ(); });
    }
  }

  onKeyUp(e) {
    // Holding an arrow key moves z live; letting go commits once.
    if (this.keyMoved && MOVE_KEYS.includes(e.key)) {
      if (this.pad.dirty) this.pad.renderZ();
      this.keyMoved = false;
      this.pad.commit("key");
    }
  }

  onBlur() {
    if (this.keyMoved) { this.keyMoved = false; this.pad.commit("key"); }
  }
}
