// ---------------------------------------------------------------------------------------------
// pointer.js: where the true posterior p(z|x) is when the z-plane does not show it (issue: a drawn
// 7 whose posterior peaks 30σ of q away showed nothing under "fit q" or "fit prior"): an arrow on
// the plot's edge pointing at the peak, or a ring round the peak when q(z|x), and a posterior of
// its size, is a speck at the window's scale. The marker (pad.html .lp-edge-marker) carries
// data-state "outside" | "small" | "none" and data-peak for the tests.
// ---------------------------------------------------------------------------------------------
const EDGE_INSET = 16;          // px inside the plot's edge for the arrow to the posterior's peak
const EDGE_ARROW = 11;          // px, the arrow's half-length
const EDGE_BOTTOM = 36;         // px above the plot's bottom edge (the scale bar's place)
const SPECK_PX = 12;            // q's largest 1σ radius below this on screen: ring the posterior's peak

function placeText(el, x, y, anchor, text) {
  el.setAttribute("x", x.toFixed(1)); el.setAttribute("y", y.toFixed(1));
  el.setAttribute("text-anchor", anchor);
  el.textContent = text;
}

// Where the true posterior is when the window does not show it: an arrow on the plot's edge,
// on the line from the window's centre to p(z|x)'s peak, labelled with the peak; or a ring
// round the peak when it is in view but q(z|x) is a speck there (under "fit prior"), where a
// posterior of q's size would be one too.
function drawPosteriorPointer(group, geo, heat, qRadius) {
  const g = geo.box;
  const hide = () => { group.setAttribute("display", "none"); group.dataset.state = "none"; };
  if (!heat || !heat.peak || !g) return hide();
  const [px, py] = heat.peak, [xmin, xmax, ymin, ymax] = geo.window();
  const [arrow, ring, text] = group.children;
  const label = `p(z|x) peak (${fmt(px)}, ${fmt(py)})`;
  const inside = px >= xmin && px <= xmax && py >= ymin && py <= ymax;
  const k = geo.textScale, pad = EDGE_INSET * k;
  if (inside) {
    if (!(qRadius * g.scale < SPECK_PX)) return hide();
    const x = geo.sx(px), y = geo.sy(py);
    ring.setAttribute("display", "inline"); arrow.setAttribute("display", "none");
    ring.setAttribute("cx", x); ring.setAttribute("cy", y);
    const right = x > g.x0 + g.size / 2;
    placeText(text, x + (right ? -14 : 14) * k, y - 12 * k, right ? "end" : "start", label);
    group.dataset.state = "small";
  } else {
    // From the window's centre towards the peak, stopped `pad` px inside the plot's edge (above
    // the scale bar at the bottom).
    const cx = g.x0 + g.size / 2, cy = g.y0 + g.size / 2;
    const dx = geo.sx(px) - cx, dy = geo.sy(py) - cy;
    const half = g.size / 2;
    const reach = Math.min((half - pad) / Math.abs(dx || 1e-9), (half - (dy > 0 ? EDGE_BOTTOM * k : pad)) / Math.abs(dy || 1e-9));
    const x = cx + dx * reach, y = cy + dy * reach, angle = (Math.atan2(dy, dx) * 180) / Math.PI;
    const s = EDGE_ARROW * k;
    arrow.setAttribute("display", "inline"); ring.setAttribute("display", "none");
    arrow.setAttribute("d", `M${s},0L${-s * 0.6},${-s * 0.7}L${-s * 0.25},0L${-s * 0.6},${s * 0.7}Z`);
    arrow.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)}) rotate(${angle.toFixed(1)})`);
    // The label inside the plot beside the arrow: above it in the plot's lower half, below it
    // in the upper; from its side towards the middle.
    const ux = x - cx, uy = y - cy;
    const anchor = Math.abs(ux) < g.size / 4 ? "middle" : ux > 0 ? "end" : "start";
    const tx = anchor === "middle" ? x : x + (ux > 0 ? s : -s);
    placeText(text, tx, uy > 0 ? y - s - 6 * k : y + s + 14 * k, anchor, label);
    group.dataset.state = "outside";
  }
  group.setAttribute("display", "inline");
  group.dataset.peak = JSON.stringify([px, py]);
}
