// ---------------------------------------------------------------------------------------------
// geometry.js: the square plot of [-extent, extent]² inside the plane, and the maps between
// latent values, the SVG's CSS pixels and the viewport.
// ---------------------------------------------------------------------------------------------
const MARGIN = { left: 40, right: 10, top: 10, bottom: 36 };   // room for tick labels, px
const MIN_PLOT_SIZE = 50;                                       // px: never collapse the square

class PlaneGeometry {
  constructor() {
    this.extent = 4;
    this.box = null;   // {w, h, x0, y0, size, scale} in CSS px, null until laid out
  }

  // Fit the square to a plane of w x h CSS px; false if the plane has no size yet.
  layout(w, h, extent) {
    this.extent = extent;
    if (!w || !h) return false;
    const size = Math.max(MIN_PLOT_SIZE, Math.min(w - MARGIN.left - MARGIN.right, h - MARGIN.top - MARGIN.bottom));
    this.box = { w, h, x0: MARGIN.left, y0: MARGIN.top, size, scale: size / (2 * extent) };
    return true;
  }

  // Latent value -> CSS px inside the plane, and back.
  sx(v) { const g = this.box; return g.x0 + (v + this.extent) * g.scale; }
  sy(v) { const g = this.box; return g.y0 + (this.extent - v) * g.scale; }

  // rect: the plane's getBoundingClientRect() (the plane may be CSS-scaled).
  clientToLatent(rect, clientX, clientY) {
    const g = this.box;
    const px = ((clientX - rect.left) * g.w) / rect.width, py = ((clientY - rect.top) * g.h) / rect.height;
    return [(px - g.x0) / g.scale - this.extent, this.extent - (py - g.y0) / g.scale];
  }

  latentToClient(rect, zi, zj) {
    const g = this.box;
    return { x: rect.left + (this.sx(zi) * rect.width) / g.w, y: rect.top + (this.sy(zj) * rect.height) / g.h };
  }

  clamp(v) { return Math.max(-this.extent, Math.min(this.extent, v)); }

  // Grid spacing in latent units: about 8-16 lines across the plot.
  tickStep() {
    const E = this.extent;
    return E <= 3 ? 0.5 : E <= 6 ? 1 : E <= 12 ? 2 : Math.ceil(E / 5);
  }
}
