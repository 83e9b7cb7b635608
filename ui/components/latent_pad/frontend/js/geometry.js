// ---------------------------------------------------------------------------------------------
// geometry.js: a square plot inside a plane element, showing the window [cx ± half] x [cy ± half]
// of a 2-D coordinate system (latent z on the z-plane, ε on the ε-plane), and the maps between
// those values, the SVG's CSS pixels and the viewport. The z-plane zooms by changing the window;
// one latent unit is always the same number of pixels on both axes (circles stay circles), so
// q(z|x) is drawn at its true shape and the scale bar says its true size.
// ---------------------------------------------------------------------------------------------
const MARGIN = { left: 36, right: 8, top: 8, bottom: 32 };     // room for tick labels, px
const MIN_PLOT_SIZE = 50;                                       // px: never collapse the square
const TICKS_ACROSS = 6;                                         // about this many grid lines
const MIN_TICKS_ACROSS = 3;                                     // and never fewer than this
const TICK_LABEL_ROOM = 40;                                     // px along an axis per 11 px tick label
const MIN_HALF = 1e-3;                                          // deepest zoom, latent units

// 1, 2 or 5 times a power of ten, near `rough`.
function niceStep(rough) {
  const p = 10 ** Math.floor(Math.log10(rough)), m = rough / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

class PlaneGeometry {
  constructor(limit = 4) {
    this.limit = limit;          // values are clamped to [-limit, limit]
    this.cx = 0; this.cy = 0; this.half = limit;
    this.box = null;             // {w, h, x0, y0, size, scale} in CSS px, null until laid out
    this.textScale = 1;          // the tick labels' size over 11 px (presentation mode: 18/11)
  }

  // Fit the square to a plane of w x h CSS px; false if the plane has no size yet.
  layout(w, h) {
    if (!w || !h) return false;
    const k = this.textScale, left = MARGIN.left * k, top = MARGIN.top * k;
    const size = Math.max(MIN_PLOT_SIZE, Math.min(w - left - MARGIN.right * k, h - top - MARGIN.bottom * k));
    this.box = { w, h, x0: left, y0: top, size, scale: size / (2 * this.half) };
    return true;
  }

  // Show [cx ± half] x [cy ± half]; the window never leaves [-limit, limit]² by more than half.
  setView(cx, cy, half) {
    this.half = Math.max(MIN_HALF, Math.min(this.limit * 1.5, half));
    const bound = this.limit;
    this.cx = Math.max(-bound, Math.min(bound, cx));
    this.cy = Math.max(-bound, Math.min(bound, cy));
    if (this.box) this.box.scale = this.box.size / (2 * this.half);
  }

  // Zoom by `factor` (< 1 zooms in) keeping the value under (px, py) where it is.
  zoomAt(factor, vx, vy) {
    const half = Math.max(MIN_HALF, Math.min(this.limit * 1.5, this.half * factor));
    const k = half / this.half;
    this.setView(vx + (this.cx - vx) * k, vy + (this.cy - vy) * k, half);
  }

  // Value -> CSS px inside the plane, and back.
  sx(v) { const g = this.box; return g.x0 + (v - this.cx + this.half) * g.scale; }
  sy(v) { const g = this.box; return g.y0 + (this.cy + this.half - v) * g.scale; }

  // rect: the plane's getBoundingClientRect() (the plane may be CSS-scaled).
  clientToLatent(rect, clientX, clientY) {
    const g = this.box;
    const px = ((clientX - rect.left) * g.w) / rect.width, py = ((clientY - rect.top) * g.h) / rect.height;
    return [(px - g.x0) / g.scale + this.cx - this.half, this.cy + this.half - (py - g.y0) / g.scale];
  }

  latentToClient(rect, zi, zj) {
    const g = this.box;
    return { x: rect.left + (this.sx(zi) * rect.width) / g.w, y: rect.top + (this.sy(zj) * rect.height) / g.h };
  }

  clamp(v) { return Math.max(-this.limit, Math.min(this.limit, v)); }

  // Grid spacing: a round number giving about TICKS_ACROSS lines across the window.
  // Fewer on a small plot or in presentation mode's larger type, so tick labels never touch.
  tickStep() {
    const room = this.box ? this.box.size / (TICK_LABEL_ROOM * this.textScale) : TICKS_ACROSS;
    return niceStep((2 * this.half) / Math.max(MIN_TICKS_ACROSS, Math.min(TICKS_ACROSS, room)));
  }

  // The window, for tests: [xmin, xmax, ymin, ymax].
  window() { return [this.cx - this.half, this.cx + this.half, this.cy - this.half, this.cy + this.half]; }
}
