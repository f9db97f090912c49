// One ECharts chart in a React box: made on mount, given each new option whole, resized with its box, disposed on
// unmount. Only the charts and components the report draws are registered (echarts/core), so the bundle carries
// no more of ECharts than that. The chart is an image to assistive technology (role="img" with a label); the
// tables beside it hold the same numbers as text.
import { BarChart, HeatmapChart, LineChart, type BarSeriesOption, type HeatmapSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, LineChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

export function Chart({ option, label, name }: { option: ChartOption; label: string; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    const el = box.current!;
    // SVG: sharp at any zoom and print, and light for charts of a few hundred marks.
    const c = init(el, undefined, { renderer: 'svg' });
    chart.current = c;
    // Resized in the next frame, not inside the observer's callback: a resize there would be a layout change
    // the observer reports again ("ResizeObserver loop" errors).
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => c.resize());
    });
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // Whole, not merged: a channel gone from the new data must leave the chart too.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={box} className="report-chart" data-chart={name} role="img" aria-label={label} />;
}
