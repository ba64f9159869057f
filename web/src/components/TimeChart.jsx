// TimeChart: a time series drawn with uPlot (canvas; ~20 KB gzipped), with
// the same figures as a table for screen readers and keyboard users.
//   x: times (ms or ISO strings); series: [{label, values, color, fmt?}];
//   title: the chart's accessible name; xfmt(time) labels the table's rows;
//   tz: the IANA zone the axis reads the times in (the browser's when absent;
//   'UTC' for wall-clock times and days given as UTC).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function TimeChart({ x, series, title, tz, height = 240, xfmt = (t) => new Date(t).toISOString() }) {
  const box = useRef(null);
  const xs = x.map((t) => (typeof t === 'number' ? t : Date.parse(t)) / 1000);
  useEffect(() => {
    if (!box.current) return undefined;
    const width = Math.max(300, box.current.clientWidth || 600);
    const plot = new uPlot(
      {
        width,
        height,
        ...(tz ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz) } : {}),
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color || ['#1f5fbf', '#c2410c', '#15803d'][i % 3],
            width: 2,
            scale: s.scale || 'y',
            value: (u, v) => (v === null || v === undefined ? '—' : s.fmt ? s.fmt(v) : v),
          })),
        ],
        axes: [
          {},
          { scale: 'y', values: (u, ticks) => ticks.map((v) => (series[0].fmt ? series[0].fmt(v) : v)), size: 80 },
          ...(series.some((s) => s.scale === 'y2') ? [{ scale: 'y2', side: 1, grid: { show: false } }] : []),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      box.current,
    );
    return () => plot.destroy();
  }, [JSON.stringify(x), JSON.stringify(series.map((s) => s.values)), height, tz]);
  return (
    <figure class="chart" aria-label={title}>
      <div ref={box} aria-hidden="true" />
      <details>
        <summary>{title}: the figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => (
                <th scope="col" class="num" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {x.map((t, i) => (
              <tr key={String(t)}>
                <td>{xfmt(t)}</td>
                {series.map((s) => (
                  <td class="num" key={s.label}>
                    {s.fmt ? s.fmt(s.values[i]) : s.values[i]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
