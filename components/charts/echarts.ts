/** ECharts for the browser: the dashboard's chart parts (echarts-parts.ts), tooltips and the canvas renderer. */
import { TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { CHART_PARTS } from './echarts-parts';

echarts.use([...CHART_PARTS, TooltipComponent, CanvasRenderer]);

export { echarts };
