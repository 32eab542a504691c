// Small pieces shared by the pages and charts the gateway and the tools write as text.

/** Text made safe inside HTML or SVG, attribute values included. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One colour per series, in order (matplotlib's tab10, readable on white). */
export const CHART_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
