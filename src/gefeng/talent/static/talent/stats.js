/* 人才统计: pie and bar charts drawn with the local ECharts from the page's JSON (talent-charts). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("talent-charts").textContent);
  if (typeof echarts === "undefined") { return; }
  function pie(id, rows) {
    var el = document.getElementById(id);
    if (!el || !rows.length) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      series: [{ type: "pie", radius: ["30%", "58%"], data: rows, avoidLabelOverlap: true,
                 label: { formatter: "{b}\n{c}", overflow: "none" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bar(id, rows) {
    var el = document.getElementById(id);
    if (!el || !rows.length) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
               axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  pie("chart-levels", data.levels);
  bar("chart-industries", data.industries);
  pie("chart-jobs", data.jobs);
})();
