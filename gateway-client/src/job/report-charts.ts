/**
 * The report's and the dashboard's charts as Apache ECharts options (one builder for both): the
 * average intensity and the emission per interval for each HV region. {@link renderChartSvg}
 * renders an option to SVG on the server (ECharts' SSR renderer, no DOM) for `out/report.md`.
 */
import * as echarts from 'echarts';

/** One region's series: [interval start ms, value] points. */
export interface RegionSeries {
  readonly hv: string;
  readonly points: readonly (readonly [number, number])[];
}

function timeSeriesOption(
  title: string,
  yName: string,
  series: readonly RegionSeries[],
  kind: 'line' | 'bar',
  offsetMinutes: number,
): echarts.EChartsOption {
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 24 },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 60, bottom: 48 },
    xAxis: { type: 'time', name: `interval start (UTC${offset})`, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: yName, scale: true },
    useUTC: true,
    series: series.map((s) => ({
      id: s.hv,
      name: s.hv,
      type: kind,
      step: kind === 'line' ? 'start' : undefined,
      showSymbol: s.points.length <= 48,
      // ECharts draws time in UTC here; shift by the data's offset so the axis reads local time.
      data: s.points.map(([ms, v]) => [ms + offsetMinutes * 60_000, v]),
    })),
  } as echarts.EChartsOption;
}

/** Average intensity of consumption per interval and region, tCO2/MWh. */
export function intensityChartOption(
  series: readonly RegionSeries[],
  offsetMinutes: number,
): echarts.EChartsOption {
  return timeSeriesOption('Average intensity of consumption', 'tCO2/MWh', series, 'line', offsetMinutes);
}

/** Emission per interval and region, tCO2. */
export function emissionChartOption(
  series: readonly RegionSeries[],
  offsetMinutes: number,
): echarts.EChartsOption {
  return timeSeriesOption('Emission per interval', 'tCO2', series, 'bar', offsetMinutes);
}

/** Renders an option to an SVG document. */
export function renderChartSvg(option: echarts.EChartsOption, width = 800, height = 320): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
