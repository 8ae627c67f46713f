// Dashboard charts (ECharts, served from the package). Data from /api/stats, as the API gives it.
(function () {
  "use strict";
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  fetch("/api/stats", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
    chart("chart-scatter", {
      tooltip: { formatter: function (p) { return echarts.format.encodeHTML(p.data[2]) + "<br>执行率 " + p.data[0] + "%，总分 " + p.data[1]; } },
      xAxis: { name: "执行率(%)", type: "value", scale: true }, yAxis: { name: "总分", type: "value", scale: true },
      series: [{ type: "scatter", symbolSize: 8, data: s.scatter }]
    });
    var grades = ["优", "良", "中", "差", "未评"];
    chart("chart-grades", {
      tooltip: {}, xAxis: { type: "category", data: grades }, yAxis: { type: "value", name: "表数" },
      series: [{ type: "bar", data: grades.map(function (g) { return s.grades[g] || 0; }) }]
    });
    chart("chart-codes", {
      tooltip: {}, grid: { left: 180 }, xAxis: { type: "value", name: "次数" },
      yAxis: { type: "category", inverse: true, data: s.codes.map(function (c) { return c[0]; }) },
      series: [{ type: "bar", data: s.codes.map(function (c) { return c[1]; }) }]
    });
    var years = Array.from(new Set(s.yearly.map(function (r) { return r[1]; }))).sort();
    var depts = Array.from(new Set(s.yearly.map(function (r) { return r[0]; })));
    chart("chart-yearly", {
      tooltip: { trigger: "axis" }, legend: { type: "scroll", bottom: 0 },
      xAxis: { type: "category", data: years.map(String) }, yAxis: { type: "value", name: "平均总分", scale: true },
      series: depts.slice(0, 20).map(function (d) {
        return { name: d, type: "line", connectNulls: true, data: years.map(function (y) {
          var hit = s.yearly.find(function (r) { return r[0] === d && r[1] === y; });
          return hit ? hit[2] : null;
        }) };
      })
    });
  });
}());
