// 产改看板: charts drawn from the JSON the page embeds (ECharts served locally).
(function () {
  var data = JSON.parse(document.getElementById("reform-chart-data").textContent);
  var link = document.getElementById("reform-plan-url");
  if (typeof echarts === "undefined") return;
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var pct = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
  // the badge colours of 未开始, 正常推进, 滞后, 已完成, 逾期
  var statusColours = ["#6c757d", "#0d6efd", "#ffc107", "#198754", "#dc3545"];
  var status = data.status.map(function (s, i) {
    return { name: s.name, value: s.value, itemStyle: { color: statusColours[i] } };
  }).filter(function (s) { return s.value > 0; });
  chart("chart-actions", {
    tooltip: {}, grid: { left: 10, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: pct, yAxis: { type: "category", data: data.actions.names, inverse: true },
    series: [{ type: "bar", barMaxWidth: 28, data: data.actions.values, label: { show: true, position: "right", formatter: "{c}%" } }]
  });
  chart("chart-status", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["40%", "70%"], data: status, label: { formatter: "{b} {c}" } }]
  });
  var units = chart("chart-units", {
    tooltip: {}, grid: { left: 10, right: 10, top: 24, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.units.names, axisLabel: { rotate: 45, interval: 0 } }, yAxis: pct,
    series: [{ type: "bar", barMaxWidth: 36, data: data.units.values, label: { show: true, position: "top", formatter: "{c}%" } }]
  });
  if (units && link) {
    units.on("click", function (p) {
      window.location = link.dataset.url + "?unit=" + data.unit_ids[p.dataIndex] + "&on=" + link.dataset.on;
    });
  }
  chart("chart-measures", {
    tooltip: {}, grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
    xAxis: pct, yAxis: { type: "category", data: data.measures.names, inverse: true },
    series: [{ type: "bar", barMaxWidth: 20, data: data.measures.values }]
  });
  chart("chart-trend", {
    tooltip: { trigger: "axis" }, legend: { data: ["按时", "迟报", "未报"] },
    grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.trend.labels }, yAxis: { type: "value" },
    series: [
      { name: "按时", type: "bar", stack: "r", barMaxWidth: 48, itemStyle: { color: "#198754" }, data: data.trend.on_time },
      { name: "迟报", type: "bar", stack: "r", itemStyle: { color: "#fd7e14" }, data: data.trend.late },
      { name: "未报", type: "bar", stack: "r", itemStyle: { color: "#adb5bd" }, data: data.trend.missing }
    ]
  });
})();
