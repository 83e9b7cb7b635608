// ---------------------------------------------------------------------------------------------
// input.js: pointer, wheel and keyboard on a plane. A drag moves a point (ε on the ε-plane; z or
// μ on the z-plane) and everything that depends on it is redrawn on the next animation frame;
// arrow keys move it in steps; releasing the pointer or the key commits once to Python. The
// wheel zooms the z-plane about the pointer.
//
// Keys (documented in pad.html's help line and each plane's aria-label), on the focused plane:
//   ← → ↑ ↓       move the point by (window half-width) / 40; with Shift five times that
//   Home          the point back to the centre (ε = 0; z to μ; μ to the encoder's μ(x))
//   Enter         commit now
//   + −, M        (z-plane, its owner's key handler) zoom in and out; switch moving z / moving μ
// Tab moves between the planes (and the buttons between them), as between any controls.
//
// A PlaneInput is told, by its owner, how to read and set the point:
//   point()        -> [a, b] the point's plane coordinates now
//   move(a, b)     set it (the owner clamps, and marks the pad dirty)
//   home()         -> [a, b] where Home sends it
//   source         the commit's "source" prefix ("eps" or "z")
//   key(e)         optional: handle another key; true if it did
// ---------------------------------------------------------------------------------------------
const KEY_STEPS = 40;          // an arrow key moves the point by (window width / 2) / 40
const BIG_STEP = 5;            // Shift + arrow: five steps
const GRAB_RADIUS_PX = 18;     // a press this close to the marker grabs it without a jump
const MOVE_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home"];
const WHEEL_ZOOM_RATE = 0.0015; // zoom factor exp(rate * deltaY) per wheel event

class PlaneInput {
  constructor(pad, target, plane, geometry, handlers) {
    this.pad = pad;
    this.target = target;
    this.plane = plane;
    this.geo = geometry;
    this.h = handlers;
    this.pointerId = null;
    this.grab = [0, 0];        // offset from pointer to marker when the drag began on the marker
    this.rafId = 0;
    this.keyRaf = 0;
    this.keyMoved = false;
    this.frame = this.frame.bind(this);
    const listeners = [
      ["pointerdown", this.onPointerDown], ["pointermove", this.onPointerMove],
      ["pointerup", this.onPointerUp], ["pointercancel", this.onPointerUp],
      ["lostpointercapture", this.onPointerUp], ["keydown", this.onKeyDown],
      ["keyup", this.onKeyUp], ["blur", this.onBlur],
    ];
    if (handlers.zoom) listeners.push(["wheel", this.onWheel]);
    // One table for attaching and detaching, so the two can never drift apart.
    this.listeners = listeners.map(([type, handler]) => [type, handler.bind(this)]);
    for (const [type, handler] of this.listeners) {
      this.target.addEventListener(type, handler, type === "wheel" ? { passive: false } : undefined);
    }
  }

  destroy() {
    cancelAnimationFrame(this.rafId);
    cancelAnimationFrame(this.keyRaf);
    for (const [type, handler] of this.listeners) this.target.removeEventListener(type, handler);
  }

  pointerValue(e) {
    return this.geo.clientToLatent(this.plane.getBoundingClientRect(), e.clientX, e.clientY);
  }

  onPointerDown(e) {
    const pad = this.pad;
    if (pad.dragging || !this.geo.box || (e.pointerType === "mouse" && e.button !== 0)) return;
    if (this.h.enabled && !this.h.enabled()) return;
    e.preventDefault();
    this.target.focus({ preventScroll: true });
    const [pa, pb] = this.pointerValue(e);
    const [a, b] = this.h.point();
    // Pressing on the marker keeps the grab offset (no jump); elsewhere it jumps to the pointer.
    const scale = this.geo.box.scale;
    const dx = (a - pa) * scale, dy = (b - pb) * scale;
    this.grab = dx * dx + dy * dy <= GRAB_RADIUS_PX ** 2 ? [a - pa, b - pb] : [0, 0];
    this.target.setPointerCapture(e.pointerId);
    this.pointerId = e.pointerId;
    pad.setDragging(true, this.h.source());
    this.h.move(pa + this.grab[0], pb + this.grab[1]);
    cancelAnimationFrame(this.rafId);
    this.rafId = requestAnimationFrame(this.frame);
  }

  onPointerMove(e) {
    if (!this.pad.dragging || e.pointerId !== this.pointerId) return;
    const [pa, pb] = this.pointerValue(e);
    this.h.move(pa + this.grab[0], pb + this.grab[1]);   // drawn on the next frame
  }

  frame() {
    const pad = this.pad;
    if (!pad.dragging) return;
    pad.meter.frame();
    if (pad.dirty) pad.render();
    this.rafId = requestAnimationFrame(this.frame);
  }

  // pointerup ends a drag where the pointer is; pointercancel / lostpointercapture (the browser
  // took the pointer away) end it where the point last was. Each commits.
  onPointerUp(e) {
    const pad = this.pad;
    if (!pad.dragging || e.pointerId !== this.pointerId) return;
    if (e.type === "pointerup") {
      const [pa, pb] = this.pointerValue(e);
      this.h.move(pa + this.grab[0], pb + this.grab[1]);
    }
    cancelAnimationFrame(this.rafId);
    this.pointerId = null;
    pad.setDragging(false);
    pad.render();
    pad.commit(this.h.source(), "drag");
  }

  onWheel(e) {
    if (!this.geo.box) return;
    e.preventDefault();
    const [va, vb] = this.pointerValue(e);
    this.h.zoom(Math.exp(WHEEL_ZOOM_RATE * e.deltaY), va, vb);
  }

  onKeyDown(e) {
    const pad = this.pad;
    if (this.h.key && !e.ctrlKey && !e.metaKey && !e.altKey && this.h.key(e)) { e.preventDefault(); return; }
    if (this.h.enabled && !this.h.enabled()) return;
    const step = (this.geo.half / KEY_STEPS) * (e.shiftKey ? BIG_STEP : 1);
    let da = 0, db = 0;
    switch (e.key) {
      case "ArrowLeft": da = -step; break;
      case "ArrowRight": da = step; break;
      case "ArrowUp": db = step; break;
      case "ArrowDown": db = -step; break;
      case "Home": this.h.move(...this.h.home()); break;
      case "Enter": e.preventDefault(); this.keyMoved = false; pad.commit(this.h.source(), "key"); return;
      default: return;
    }
    e.preventDefault();
    if (da || db) {
      const [a, b] = this.h.point();
      this.h.move(a + da, b + db);
    }
    this.keyMoved = true;
    // Coalesce auto-repeat into one redraw per frame.
    if (!this.keyRaf) {
      this.keyRaf = requestAnimationFrame(() => { this.keyRaf = 0; if (pad.dirty) pad.render(); });
    }
  }

  onKeyUp(e) {
    // Holding an arrow key moves the point live; letting go commits once.
    if (this.keyMoved && MOVE_KEYS.includes(e.key)) {
      if (this.pad.dirty) this.pad.render();
      this.keyMoved = false;
      this.pad.commit(this.h.source(), "key");
    }
  }

  onBlur() {
    if (this.keyMoved) { this.keyMoved = false; this.pad.commit(this.h.source(), "key"); }
  }
}
