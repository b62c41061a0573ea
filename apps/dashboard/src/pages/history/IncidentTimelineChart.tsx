import { Box, VisuallyHidden } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useId, useRef } from 'react';
import { describeTimeline, type TimelineSeries } from './timeline-series';

use([
  BarChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

interface IncidentTimelineChartProps {
  readonly data: TimelineSeries;
  /** Called with a root-cause id when someone clicks its bar (not for "No finding"). */
  readonly onSelectRootCause: (rootCauseId: string) => void;
}

/** Stacked bars of incidents per day or week, one colour per top root cause. */
export function IncidentTimelineChart({ data, onSelectRootCause }: IncidentTimelineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const select = useRef(onSelectRootCause);
  select.current = onSelectRootCause;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // Canvas: a year of daily bars is thousands of rectangles, too many DOM nodes for SVG.
    const instance = init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (event) => {
      const id = (event as { seriesId?: string }).seriesId;
      if (id && id !== 'none') select.current(id);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        // ECharts' own aria labelling would overwrite the container's name; the summary below
        // describes the data instead.
        aria: { enabled: false },
        animation: false,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
        legend: { type: 'scroll', top: 0 },
        grid: { left: 40, right: 16, top: 40, bottom: data.buckets.length > 60 ? 60 : 30 },
        xAxis: { type: 'category', data: data.buckets },
        yAxis: { type: 'value', minInterval: 1 },
        dataZoom:
          data.buckets.length > 60
            ? [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 8 }]
            : [],
        series: data.series.map((series) => ({
          id: series.id,
          name: series.name,
          type: 'bar',
          stack: 'incidents',
          data: series.data,
          cursor: series.id === 'none' ? 'default' : 'pointer',
          ...(series.id === 'none' ? { itemStyle: { color: '#868e96' } } : {}),
        })),
      },
      { notMerge: true },
    );
  }, [data]);

  const summaryId = useId();
  return (
    <>
      <Box
        ref={container}
        role="img"
        aria-label="Incidents over time by root cause"
        aria-describedby={summaryId}
        h={260}
        w="100%"
      />
      <VisuallyHidden id={summaryId}>{describeTimeline(data)}</VisuallyHidden>
    </>
  );
}
