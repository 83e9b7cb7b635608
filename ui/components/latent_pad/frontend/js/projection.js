// ---------------------------------------------------------------------------------------------
// projection.js: the plane the pad shows, for any latent_dim. Python sends an origin o (D,) and
// two orthonormal rows B (2, D) (vae_core.maths.projection): two chosen latent dimensions
// (B = e_i, e_j) or the first two principal components of the gallery's codes.
//   toPlane(z)   p = (z - o) B^T
//   lift(p, z)   z + (p - toPlane(z)) B: moves z to p on the plane, keeps the rest of z
//   ellipse(s)   the contour of N(mu, diag s^2) projected on the plane: B diag(s^2) B^T
//   distance(z, mu, s)  how many of those contours z lies out: sqrt(p^T C^-1 p), p = toPlane(z - mu)
// ---------------------------------------------------------------------------------------------
class PlaneProjection {
  constructor(data) {
    this.origin = Float64Array.from(data.origin);
    this.rows = data.basis.map((row) => Float64Array.from(row));
    this.labels = data.labels.slice();
    this.dims = data.dims ? data.dims.slice() : null;   // [i, j] when the plane is two latent dims
    this.key = JSON.stringify([data.origin, data.basis]);
  }

  toPlane(z) {
    const out = [0, 0];
    for (let k = 0; k < 2; k++) {
      const b = this.rows[k];
      let s = 0;
      for (let d = 0; d < b.length; d++) s += (z[d] - this.origin[d]) * b[d];
      out[k] = s;
    }
    return out;
  }

  // A copy of z moved to the plane point p, every coordinate off the plane kept.
  lift(p, z) {
    const [a, b] = this.toPlane(z);
    const out = Float64Array.from(z);
    const da = p[0] - a, db = p[1] - b;
    for (let d = 0; d < out.length; d++) out[d] += da * this.rows[0][d] + db * this.rows[1][d];
    return out;
  }

  // C = B diag(sigma^2) B^T, the covariance of N(mu, diag sigma^2) seen on the plane.
  covariance(sigma) {
    let c00 = 0, c11 = 0, c01 = 0;
    for (let d = 0; d < sigma.length; d++) {
      const v = sigma[d] * sigma[d], b0 = this.rows[0][d], b1 = this.rows[1][d];
      c00 += b0 * b0 * v; c11 += b1 * b1 * v; c01 += b0 * b1 * v;
    }
    return { c00, c11, c01 };
  }

  // The Mahalanobis distance on the plane of z from N(mu, diag sigma^2): z lies on the contour
  // ellipse(sigma) scaled by it (1: on the 1-sigma ellipse). null where C is singular (sigma = 0).
  distance(z, mu, sigma) {
    const { c00, c11, c01 } = this.covariance(sigma);
    const det = c00 * c11 - c01 * c01;
    if (!(det > 1e-300)) return null;
    const [za, zb] = this.toPlane(z), [ma, mb] = this.toPlane(mu);
    const a = za - ma, b = zb - mb;
    return Math.sqrt(Math.max(0, (c11 * a * a - 2 * c01 * a * b + c00 * b * b) / det));
  }

  // Semi-axes (rx >= ry) and angle (radians, from the plane's x axis) of the 1-sigma contour.
  ellipse(sigma) {
    const { c00, c11, c01 } = this.covariance(sigma);
    const mean = (c00 + c11) / 2, spread = Math.hypot((c00 - c11) / 2, c01);
    return { rx: Math.sqrt(Math.max(mean + spread, 0)), ry: Math.sqrt(Math.max(mean - spread, 0)),
             angle: 0.5 * Math.atan2(2 * c01, c00 - c11) };
  }
}
