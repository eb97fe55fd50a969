// Line charts on <canvas>, no chart library: one polyline per series over rounds.
const COLORS = ['#2f6fdf', '#e0712c', '#2a8a4a', '#9b3dbd'];

/**
 * Draw `series` ({ name: [[round, value], ...] }) on `canvas`; sets
 * data-points to the number of points drawn so tests can see it.
 */
export function drawLines(canvas, series) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { left: 44, right: 12, top: 12, bottom: 24 };
  ctx.clearRect(0, 0, width, height);
  const points = Object.values(series).flat();
  canvas.dataset.points = String(points.length);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#667';
  if (points.length === 0) {
    ctx.fillText('waiting for the first round…', pad.left, height / 2);
    return;
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x) => pad.left + ((x - x0) / (x1 - x0)) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((y - y0) / (y1 - y0)) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = '#ccd';
  ctx.beginPath();
  ctx.moveTo(pad.left, pad.top);
  ctx.lineTo(pad.left, height - pad.bottom);
  ctx.lineTo(width - pad.right, height - pad.bottom);
  ctx.stroke();
  ctx.fillText(y1.toFixed(3), 2, pad.top + 8);
  ctx.fillText(y0.toFixed(3), 2, height - pad.bottom);
  ctx.fillText(`round ${x0}`, pad.left, height - 6);
  ctx.fillText(`round ${x1}`, width - pad.right - 50, height - 6);
  Object.entries(series).forEach(([name, pts], i) => {
    const color = COLORS[i % COLORS.length];
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const [j, [x, y]] of pts.entries()) {
      if (j === 0) ctx.moveTo(px(x), py(y));
      else ctx.lineTo(px(x), py(y));
    }
    ctx.stroke();
    for (const [x, y] of pts) ctx.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    ctx.fillText(name, width - pad.right - 120, pad.top + 12 + 14 * i);
  });
}
