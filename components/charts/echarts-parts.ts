/**
 * The ECharts chart types and components the dashboard draws, tree-shaken: shared by the browser's
 * canvas (echarts.ts) and the server's SVG frames (server-svg.ts), so both can draw every option. No
 * aria (every chart has a data table and a label instead) and no visualMap (heatmap colours are
 * computed in the option builder): both are large.
 */
import { BarChart, HeatmapChart, LineChart, PieChart, TreemapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent } from 'echarts/components';

export const CHART_PARTS = [BarChart, HeatmapChart, LineChart, PieChart, TreemapChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent];
