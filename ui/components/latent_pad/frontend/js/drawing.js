// ---------------------------------------------------------------------------------------------
// drawing.js: everything the two planes paint — frames, grids and axes, the scale bar, the
// prior's circles, the gallery points, the true-posterior heat-map, q(z|x)'s ellipses and μ,
// the z marker, the ε-plane's rings and ε, the sample cloud in both planes, and the images.
// ---------------------------------------------------------------------------------------------
const AXIS_LABEL_GAP = 13;      // px below the plot for x tick labels
const AXIS_TITLE_GAP = 27;      // px below the plot for the x axis title
const Y_TITLE_OFFSET = 27;      // px left of the plot for the y axis title
const POINT_ALPHA = 0.55;       // gallery points are drawn translucent so density shows
const POINT_RADIUS = { small: 1.4, large: 1.7, largeAbove: 360 };   // px, by plot size
const STAR_RADIUS = { marker: 11, legend: 6.5 };                     // px
const PRIOR_RADII = [1, 2];     // the prior's contours, in standard deviations
const POSTERIOR_RADII = [1, 2, 3]; // q(z|x)'s contours, in its standard deviations
const EPS_RADII = [1, 2, 3];    // the ε-plane's contours of N(0, I)
const CLOUD_RADIUS = 2.6;       // px, one sample
const SCALE_BAR_FRACTION = 0.22; // the scale bar is about this share of the plot's width
const DEFAULT_IMAGE_SIDE = 140; // px, before CSS has sized the image canvas
const CLASS_LABEL_FONT = "600 12px sans-serif";   // the class names at their codes' medians
const CENTRES = new WeakMap();  // point set -> each class's median code [x, y] (or null)

// Each class's median code on the plane (coordinate-wise), once per point set.
function classCentres(pointSet, classes) {
  if (CENTRES.has(pointSet)) return CENTRES.get(pointSet);
  const byClass = Array.from({ length: classes }, () => [[], []]);
  for (let p = 0; p < pointSet.n; p++) {
    const d = pointSet.labels[p];
    if (d < classes) { byClass[d][0].push(pointSet.xy[2 * p]); byClass[d][1].push(pointSet.xy[2 * p + 1]); }
  }
  const centres = byClass.map(([xs, ys]) => (xs.length ? [median(xs), median(ys)] : null));
  CENTRES.set(pointSet, centres);
  return centres;
}

// Digits enough to tell grid lines `step` apart.
function tickLabel(v, step) {
  const digits = Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
  const text = Math.abs(v) < step / 1e6 ? "0" : v.toFixed(digits);
  return text.replace("-", "−");
}

// A sample's colour from its ε: hue by angle, paler near the centre. The same ε has the same
// colour in both planes, so the affine map's shift and stretch can be read from the cloud.
function cloudColour(e0, e1) {
  const hue = ((Math.atan2(e1, e0) * 180) / Math.PI + 360) % 360;
  const r = Math.min(1, Math.hypot(e0, e1) / 2.5);
  return `hsl(${hue.toFixed(0)} ${(35 + 55 * r).toFixed(0)}% ${(62 - 17 * r).toFixed(0)}%)`;
}

// A canvas over a plot box, sized for the display's pixel ratio and cleared: its 2-D context in CSS px.
function clearedCanvas(canvas, box) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(box.w * dpr);
  canvas.height = Math.round(box.h * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, box.w, box.h);
  return ctx;
}

// Frame, clip, grid lines, tick labels and axis titles of a square plot.
function drawFrame(parts, geo, labels) {
  const { svg: root, clipRect, bg, grid, axes } = parts;
  const g = geo.box;
  root.setAttribute("viewBox", `0 0 ${g.w} ${g.h}`);
  for (const el of [clipRect, bg]) {
    el.setAttribute("x", g.x0); el.setAttribute("y", g.y0);
    el.setAttribute("width", g.size); el.setAttribute("height", g.size);
  }
  grid.replaceChildren(); axes.replaceChildren();
  const step = geo.tickStep(), k = geo.textScale;
  const bottom = g.y0 + g.size, right = g.x0 + g.size;
  const [xmin, xmax, ymin, ymax] = geo.window();
  for (let v = Math.ceil(xmin / step) * step; v <= xmax + step * 1e-6; v += step) {
    const x = Math.round(geo.sx(v)) + 0.5;
    svg("line", { x1: x, x2: x, y1: g.y0, y2: bottom, class: Math.abs(v) < step / 1e6 ? "lp-zero" : "" }, grid);
    svg("text", { x, y: bottom + AXIS_LABEL_GAP * k, "text-anchor": "middle" }, axes).textContent = tickLabel(v, step);
  }
  for (let v = Math.ceil(ymin / step) * step; v <= ymax + step * 1e-6; v += step) {
    const y = Math.round(geo.sy(v)) + 0.5;
    svg("line", { x1: g.x0, x2: right, y1: y, y2: y, class: Math.abs(v) < step / 1e6 ? "lp-zero" : "" }, grid);
    svg("text", { x: g.x0 - 4, y: y + 4 * k, "text-anchor": "end" }, axes).textContent = tickLabel(v, step);
  }
  const [xLabel, yLabel] = labels;
  svg("text", { x: g.x0 + g.size / 2, y: bottom + AXIS_TITLE_GAP * k, "text-anchor": "middle",
    class: "lp-axis-title" }, axes).textContent = xLabel;
  svg("text", { x: 0, y: 0, "text-anchor": "middle", class: "lp-axis-title",
    transform: `translate(${g.x0 - Y_TITLE_OFFSET * k},${g.y0 + g.size / 2}) rotate(-90)` }, axes).textContent = yLabel;
}

class PadDrawing {
  constructor(el, geometry) {
    this.el = el;
    this.geo = geometry;
    el.star.setAttribute("d", starPath(STAR_RADIUS.marker));
    el.legendStar.setAttribute("d", starPath(STAR_RADIUS.legend));
  }

  // The frame, grid, scale bar and the prior N(0, I).
  grid(projection) {
    const geo = this.geo, g = geo.box;
    drawFrame({ svg: this.el.svg, clipRect: this.el.clipRect, bg: this.el.bg, grid: this.el.grid,
      axes: this.el.axes }, geo, projection.labels);
    this.scaleBar();
    const prior = this.el.prior;
    prior.replaceChildren();
    // The prior N(0, I) is round in any orthonormal plane, centred where the plane meets z = 0.
    const [p0x, p0y] = projection.toPlane(new Float64Array(projection.origin.length));
    for (const k of PRIOR_RADII) {
      svg("circle", { cx: geo.sx(p0x), cy: geo.sy(p0y), r: k * g.scale, class: "lp-halo" }, prior);
      svg("circle", { cx: geo.sx(p0x), cy: geo.sy(p0y), r: k * g.scale, class: `lp-p${k}` }, prior);
    }
  }

  // A bar of a round length in latent units, bottom left inside the plot: the true scale.
  scaleBar() {
    const geo = this.geo, g = geo.box;
    const length = niceStep((2 * geo.half) * SCALE_BAR_FRACTION);
    const px = length * g.scale, x = g.x0 + 10, y = g.y0 + g.size - 10;
    const [line, text] = this.el.scaleBar.children;
    line.setAttribute("x1", x); line.setAttribute("x2", x + px);
    line.setAttribute("y1", y); line.setAttribute("y2", y);
    text.setAttribute("x", x); text.setAttribute("y", y - 5);
    text.textContent = `${tickLabel(length, length)} latent units`;
    this.el.scaleBar.dataset.length = String(length);
    this.el.scaleBar.dataset.px = px.toFixed(2);
  }

  // The gallery's codes, one translucent dot each, coloured by class (one path per class), and
  // each class's name at the median of its codes, so the class is read without telling colours
  // apart (names: the legend's; default the digits).
  points(pointSet, colours, names = []) {
    const geo = this.geo, g = geo.box;
    if (!g) return;
    const ctx = clearedCanvas(this.el.points, g);
    if (!pointSet) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(g.x0, g.y0, g.size, g.size);
    ctx.clip();
    ctx.globalAlpha = POINT_ALPHA;
    const r = g.size > POINT_RADIUS.largeAbove ? POINT_RADIUS.large : POINT_RADIUS.small;
    for (let d = 0; d < colours.length; d++) {
      ctx.beginPath();
      for (let p = 0; p < pointSet.n; p++) {
        if (pointSet.labels[p] !== d) continue;
        const x = geo.sx(pointSet.xy[2 * p]), y = geo.sy(pointSet.xy[2 * p + 1]);
        if (x < g.x0 - r || x > g.x0 + g.size + r || y < g.y0 - r || y > g.y0 + g.size + r) continue;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = colours[d];
      ctx.fill();
    }
    this.classLabels(ctx, classCentres(pointSet, colours.length), names);
    ctx.restore();
  }

  // Names drawn in the theme's text colour on a halo of its background, over the dots.
  classLabels(ctx, centres, names) {
    const geo = this.geo, g = geo.box, style = getComputedStyle(this.el.plane);
    ctx.globalAlpha = 1;
    ctx.font = CLASS_LABEL_FONT.replace("12px", `${Math.max(12, Math.round(11 * geo.textScale))}px`);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = style.getPropertyValue("--lp-bg").trim() || "#fff";
    ctx.fillStyle = style.color;
    centres.forEach((c, d) => {
      if (!c) return;
      const x = geo.sx(c[0]), y = geo.sy(c[1]);
      if (x < g.x0 || x > g.x0 + g.size || y < g.y0 || y > g.y0 + g.size) return;
      const name = names[d] || String(d);
      ctx.strokeText(name, x, y);
      ctx.fillText(name, x, y);
    });
  }

  legend(colours, names) {
    this.el.digits.innerHTML = "";
    colours.forEach((c, d) => {
      const span = document.createElement("span");
      const dot = document.createElement("i");
      dot.style.background = c;
      span.append(dot, document.createTextNode(names && names[d] ? names[d] : String(d)));
      this.el.digits.appendChild(span);
    });
  }

  // The true posterior p(z|x) as an image placed at its box [x0, x1] x [y0, y1] in latent units.
  heat(heat) {
    const el = this.el.heat, geo = this.geo;
    this.heatData = heat;
    if (!heat || !geo.box) { el.setAttribute("display", "none"); this.pointer(); return; }
    const [x0, x1, y0, y1] = heat.box;
    el.setAttribute("display", "inline");
    if (el.getAttribute("href") !== heat.src) el.setAttribute("href", heat.src);
    el.setAttribute("x", geo.sx(x0)); el.setAttribute("y", geo.sy(y1));
    el.setAttribute("width", (x1 - x0) * geo.box.scale); el.setAttribute("height", (y1 - y0) * geo.box.scale);
    this.pointer();
  }

  // The arrow or ring to the true posterior's peak (pointer.js).
  pointer() { drawPosteriorPointer(this.el.edgeMarker, this.geo, this.heatData, this.qRadius); }

  // q(z|x) = N(mu, diag(sigma^2)) seen on the plane: its projected ellipses at 1, 2 and 3 sigma
  // (axis-aligned on a plane of two latent dims, turned on a PCA plane) and mu.
  posterior(mu, sigma, projection) {
    const geo = this.geo;
    if (!geo.box) return;
    const [mx, my] = projection.toPlane(mu);
    const cx = geo.sx(mx), cy = geo.sy(my);
    const { rx, ry, angle } = projection.ellipse(sigma);
    const degrees = (-angle * 180) / Math.PI;   // SVG's y axis points down
    POSTERIOR_RADII.forEach((k, n) => {
      const el = this.el.q[n];
      el.setAttribute("cx", cx); el.setAttribute("cy", cy);
      el.setAttribute("rx", k * rx * geo.box.scale);
      el.setAttribute("ry", k * ry * geo.box.scale);
      el.setAttribute("transform", `rotate(${degrees.toFixed(3)} ${cx} ${cy})`);
    });
    this.el.mu.setAttribute("transform", `translate(${cx},${cy})`);
    this.el.muRing.setAttribute("cx", cx);
    this.el.muRing.setAttribute("cy", cy);
    this.el.sigmaEps.setAttribute("x1", cx);
    this.el.sigmaEps.setAttribute("y1", cy);
    this.qRadius = Math.max(rx, ry);
    this.pointer();
  }

  // The z star and the arrow sigma ⊙ eps from mu to z.
  marker(z, projection) {
    const geo = this.geo;
    if (!geo.box) return;
    const [pi, pj] = projection.toPlane(z);
    const x = geo.sx(pi), y = geo.sy(pj);
    this.el.z.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)})`);
    this.el.sigmaEps.setAttribute("x2", x);
    this.el.sigmaEps.setAttribute("y2", y);
  }

  // The cloud z_k = mu + sigma ⊙ eps_k on the z-plane (SVG: at most a few hundred circles).
  cloud(zs, colours, projection) {
    const group = this.el.cloud, geo = this.geo;
    group.replaceChildren();
    if (!geo.box || !zs) return;
    zs.forEach((z, k) => {
      const [a, b] = projection.toPlane(z);
      svg("circle", { cx: geo.sx(a).toFixed(2), cy: geo.sy(b).toFixed(2), r: CLOUD_RADIUS, fill: colours[k] }, group);
    });
  }

  sigmaZero(isZero) {
    this.el.aeNote.hidden = !isZero;
  }
}

// The ε-plane: N(0, I) in its own coordinates, 1σ/2σ/3σ rings, ε and the cloud's ε_k.
class EpsDrawing {
  constructor(el, geometry) {
    this.el = el;
    this.geo = geometry;
  }

  frame(labels) {
    const geo = this.geo, g = geo.box;
    drawFrame({ svg: this.el.epsSvg, clipRect: this.el.epsClipRect, bg: this.el.epsBg, grid: this.el.epsGrid,
      axes: this.el.epsAxes }, geo, labels);
    const rings = this.el.epsRings;
    rings.replaceChildren();
    for (const k of EPS_RADII) {
      svg("circle", { cx: geo.sx(0), cy: geo.sy(0), r: k * g.scale, class: `lp-ring lp-ring${k}` }, rings);
      svg("text", { x: geo.sx(0) + k * g.scale * Math.SQRT1_2 + 2, y: geo.sy(0) - k * g.scale * Math.SQRT1_2 - 2,
        class: "lp-ring-label" }, rings).textContent = `${k}σ`;
    }
  }

  marker(e0, e1) {
    const geo = this.geo;
    if (!geo.box) return;
    const x = geo.sx(geo.clamp(e0)), y = geo.sy(geo.clamp(e1));
    this.el.epsMarker.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)})`);
  }

  // The cloud's eps_k on a canvas (cheap to redraw).
  cloud(points, colours) {
    const geo = this.geo, g = geo.box;
    if (!g) return;
    const ctx = clearedCanvas(this.el.epsCloud, g);
    if (!points) return;
    points.forEach(([a, b], k) => {
      ctx.beginPath();
      ctx.arc(geo.sx(a), geo.sy(b), CLOUD_RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = colours[k];
      ctx.fill();
    });
  }
}

// A greyscale image: pixels painted into ImageData on an offscreen canvas of the image's own
// size, then drawn scaled onto the visible canvas with smoothing off (crisp pixels).
class ImagePainter {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.offscreen = document.createElement("canvas");
    this.offCtx = this.offscreen.getContext("2d");
    this.imageData = null;
    this.lastPixels = new Float32Array(0);   // what is on display now, pixels in [0, 1]
  }

  setShape(width, height) {
    if (this.imageData && this.imageData.width === width && this.imageData.height === height) return;
    this.offscreen.width = width;
    this.offscreen.height = height;
    this.imageData = this.offCtx.createImageData(width, height);
    this.lastPixels = new Float32Array(width * height);
  }

  paint(pixels) {
    if (!this.imageData) return;
    const data = this.imageData.data;
    for (let p = 0, o = 0; p < this.lastPixels.length; p++, o += 4) {
      const v = pixels[p] * 255;                    // Uint8ClampedArray rounds half to even
      data[o] = data[o + 1] = data[o + 2] = v;
      data[o + 3] = 255;
    }
    this.offCtx.putImageData(this.imageData, 0, 0);
    const dpr = window.devicePixelRatio || 1;
    const side = Math.round((this.canvas.clientWidth || DEFAULT_IMAGE_SIDE) * dpr);
    if (this.canvas.width !== side) { this.canvas.width = side; this.canvas.height = side; }
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(this.offscreen, 0, 0, side, side);
    this.lastPixels.set(pixels.subarray(0, this.lastPixels.length));
  }
}

// A row of n decoded images (w x h each) on one canvas, 1 px apart.
function paintStrip(canvas, images, width, height, cssHeight) {
  const n = images.length, dpr = window.devicePixelRatio || 1;
  const offscreen = document.createElement("canvas");
  offscreen.width = Math.max(1, n * (width + 1) - 1);
  offscreen.height = height;
  const ctx = offscreen.getContext("2d");
  ctx.fillStyle = "#888";
  ctx.fillRect(0, 0, offscreen.width, height);
  images.forEach((pixels, k) => {
    const data = ctx.createImageData(width, height);
    for (let p = 0, o = 0; p < width * height; p++, o += 4) {
      data.data[o] = data.data[o + 1] = data.data[o + 2] = pixels[p] * 255;
      data.data[o + 3] = 255;
    }
    ctx.putImageData(data, k * (width + 1), 0);
  });
  const scale = cssHeight / height;
  canvas.style.width = `${offscreen.width * scale}px`;
  canvas.style.height = `${cssHeight}px`;
  canvas.width = Math.round(offscreen.width * scale * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const out = canvas.getContext("2d");
  out.imageSmoothingEnabled = false;
  out.drawImage(offscreen, 0, 0, canvas.width, canvas.height);
}
