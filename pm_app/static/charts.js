// Draws every chart of a page. The server embeds each figure as
//   <script type="application/json" data-chart>{"data": [...], "layout": {...}, "config": {...}}</script>
// (pm_app/<domain>/charts.py builds them); this file, loaded after the locally served
// plotly.min.js, puts a plot just before each one. No inline script anywhere, so a CSP of
// script-src 'self' holds. Without JavaScript the table beside each chart still has the numbers.
"use strict";

// Plotly's own words (the tool bar's tips, month names on date axes) in Chinese: its locale files
// are not in plotly.min.js, and this is the part of zh-CN the charts show.
const ZH_CN = {
  moduleType: "locale",
  name: "zh-CN",
  dictionary: {
    "Autoscale": "自动缩放", "Box Select": "矩形框选择", "Lasso Select": "套索选择", "Pan": "平移",
    "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小", "Reset axes": "重置坐标轴",
    "Reset view": "重置视图", "Download plot as a PNG": "下载图表（PNG）", "Download plot": "下载图表",
    "Toggle Spike Lines": "显示/隐藏辅助线", "Show closest data on hover": "悬停显示最近的数据",
    "Compare data on hover": "悬停比较数据", "Produced with Plotly.js": "由 Plotly.js 绘制",
    "Double-click to zoom back out": "双击还原", "Snapshot succeeded": "已生成图片",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，图片下载失败",
  },
  format: {
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    date: "%Y-%m-%d",
    year: "%Y年",
    month: "%Y年%-m月",
    dayMonth: "%-m月%-d日",
    dayMonthYear: "%Y年%-m月%-d日",
  },
};

function drawCharts() {
  if (!window.Plotly) return;
  Plotly.register(ZH_CN);
  // The page's language (<html lang>, zh-CN or en) is the charts' language.
  const locale = document.documentElement.lang === "zh-CN" ? "zh-CN" : "en";
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach((source) => {
    let figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      console.error("chart data is not JSON", error);
      return;
    }
    const box = document.createElement("div");
    box.className = "chart";
    // The figure's title already names it; screen readers get the table beside it instead.
    box.setAttribute("aria-hidden", "true");
    source.parentNode.insertBefore(box, source);
    Plotly.newPlot(box, figure.data || [], figure.layout || {}, {locale, ...(figure.config || {})});
  });
}

document.addEventListener("DOMContentLoaded", drawCharts);
