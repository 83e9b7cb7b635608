// ---------------------------------------------------------------------------------------------
// drawing.js: everything the pad paints — grid and axes, the prior's circles, the gallery
// points, q(z|x)'s ellipses and μ, the z marker, and the decoded image.
// ---------------------------------------------------------------------------------------------
const AXIS_LABEL_GAP = 14;      // px below the plot for x tick labels
const AXIS_TITLE_GAP = 31;      // px below the plot for the x axis title
const Y_TITLE_OFFSET = 30;      // px left of the plot for the y axis title
const POINT_ALPHA = 0.55;       // gallery points are drawn translucent so density shows
const POINT_RADIUS = { small: 1.4, large: 1.7, largeAbove: 360 };   // px, by plot size
const STAR_RADIUS = { marker: 11, legend: 6.5 };                     // px
const PRIOR_RADII = [1, 2];     // the prior's contours, in standard deviations
const POSTERIOR_RADII = [1, 2]; // q(z|x)'s contours, in its standard deviations
const DEFAULT_IMAGE_SIDE = 196; // px, before CSS has sized the image canvas

class PadDrawing {
  constructor(el, geometry) {
    this.el = el;
    this.geo = geometry;
    el.star.setAttribute("d", starPath(STAR_RADIUS.marker));
    el.legendStar.setAttribute("d", starPath(STAR_RADIUS.legend));
  }

  // The square's frame, clip, grid lines, tick labels, axis titles and the prior N(0, I).
  grid(projection) {
    const { grid, axes, prior, svg: root, clipRect, bg } = this.el;
    const geo = this.geo, g = geo.box;
    root.setAttribute("viewBox", `0 0 ${g.w} ${g.h}`);
    for (const el of [clipRect, bg]) {
      el.setAttribute("x", g.x0); el.setAttribute("y", g.y0);
      el.setAttribute("width", g.size); el.setAttribute("height", g.size);
    }
    grid.replaceChildren(); axes.replaceChildren(); prior.replaceChildren();
    const E = geo.extent, step = geo.tickStep();
    const bottom = g.y0 + g.size, right = g.x0 + g.size;
    for (let v = -Math.floor(E / step) * step; v <= E + 1e-9; v += step) {
      const x = Math.round(geo.sx(v)) + 0.5, y = Math.round(geo.sy(v)) + 0.5;
      const cls = Math.abs(v) < 1e-9 ? "lp-zero" : "";
      svg("line", { x1: x, x2: x, y1: g.y0, y2: bottom, class: cls }, grid);
      svg("line", { x1: g.x0, x2: right, y1: y, y2: y, class: cls }, grid);
      const label = Number.isInteger(v) ? String(v).replace("-", "−") : fmt(v);
      svg("text", { x, y: bottom + AXIS_LABEL_GAP, "text-anchor": "middle" }, axes).textContent = label;
      svg("text", { x: g.x0 - 5, y: y + 4, "text-anchor": "end" }, axes).textContent = label;
    }
    const [xLabel, yLabel] = projection.labels;
    const tx = svg("text", { x: g.x0 + g.size / 2, y: bottom + AXIS_TITLE_GAP, "text-anchor": "middle",
      class: "lp-axis-title" }, axes);
    tx.textContent = xLabel;
    const ty = svg("text", { x: 0, y: 0, "text-anchor": "middle", class: "lp-axis-title",
      transform: `translate(${g.x0 - Y_TITLE_OFFSET},${g.y0 + g.size / 2}) rotate(-90)` }, axes);
    ty.textContent = yLabel;
    // The prior N(0, I) is round in any orthonormal plane, centred where the plane meets z = 0.
    const [p0x, p0y] = projection.toPlane(new Float64Array(projection.origin.length));
    // A halo in the background colour under each dashed circle keeps it legible over the cloud.
    for (const k of PRIOR_RADII) {
      svg("circle", { cx: geo.sx(p0x), cy: geo.sy(p0y), r: k * g.scale, class: "lp-halo" }, prior);
      svg("circle", { cx: geo.sx(p0x), cy: geo.sy(p0y), r: k * g.scale, class: `lp-p${k}` }, prior);
    }
  }

  // The gallery's codes, one translucent dot each, coloured by class (one path per class).
  points(pointSet, colours) {
    const canvas = this.el.points, geo = this.geo, g = geo.box;
    if (!g) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(g.w * dpr);
    canvas.height = Math.round(g.h * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, g.h);
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
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = colours[d];
      ctx.fill();
    }
    ctx.restore();
  }

  legend(colours) {
    this.el.digits.innerHTML = colours.map(
      (c, d) => `<span><i style="background:${c}"></i>${d}</span>`).join("");
  }

  // q(z|x) = N(mu, diag(sigma^2)) seen on the plane: its projected ellipses at 1 and 2 sigma
  // (axis-aligned on a plane of two latent dims, turned on a PCA plane), mu, and the values of
  // mu, sigma and of what is held off the plane.
  posterior(mu, sigma, z, projection) {
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
    this.el.sigmaEps.setAttribute("x1", cx);
    this.el.sigmaEps.setAttribute("y1", cy);
    const dims = projection.dims;
    if (dims) {
      const [i, j] = dims;
      this.el.muVal.textContent = `(${fmt(mu[i])}, ${fmt(mu[j])})`;
      this.el.sigmaVal.textContent = `(${fmt(sigma[i])}, ${fmt(sigma[j])})`;
      const others = [];
      for (let d = 0; d < z.length; d++) if (d !== i && d !== j) others.push(d);
      this.el.held.hidden = !others.length;
      if (others.length) {
        this.el.held.textContent = "held: " + others.map((d) => `z${sub(d + 1)} = ${fmt(z[d])}`).join(", ");
      }
    } else {
      const [a, b] = projection.labels;
      this.el.muVal.textContent = `(${fmt(mx)}, ${fmt(my)}) on ${a}, ${b}`;
      this.el.sigmaVal.textContent = `${fmt(rx)} × ${fmt(ry)} on the plane`;
      this.el.held.hidden = false;
      this.el.held.textContent = `off the ${a}–${b} plane, z keeps the values it has (${z.length}-D)`;
    }
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

  readout(z, eps, projection) {
    const dims = projection.dims;
    if (dims) {
      const [i, j] = dims;
      this.el.zVal.textContent = `(${fmt(z[i])}, ${fmt(z[j])})`;
      this.el.epsVal.textContent = `(${fmt(eps[i])}, ${fmt(eps[j])})`;
      return;
    }
    const [a, b] = projection.labels, [pa, pb] = projection.toPlane(z);
    this.el.zVal.textContent = `(${fmt(pa)}, ${fmt(pb)}) on ${a}, ${b}`;
    const known = eps.filter((e) => e !== null);
    this.el.epsVal.textContent = known.length ? `‖ε‖ = ${fmt(Math.hypot(...known))}` : "—";
  }

  sigmaZero(isZero) {
    this.el.epsRow.hidden = isZero;
    this.el.aeNote.hidden = !isZero;
  }
}

// The decoded image: pixels painted into ImageData on an offscreen canvas of the image's own
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
