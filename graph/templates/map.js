// Draws a Maillage map from the JSON data block written by graph/render.py.
// Every user string reaches the page as a DOM text value (node labels on the canvas,
// tooltips through vis-network's innerText, search options through .value): nothing
// here builds HTML from data.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("maillage-data").textContent);
  var N = data.nodes;
  var E = data.edges;
  var statusLine = document.getElementById("maillage-status");

  var nodes = new Array(N.label.length);
  for (var i = 0; i < nodes.length; i++) {
    nodes[i] = {
      id: i,
      label: N.label[i],
      title: N.title[i],
      size: N.size[i],
      color: data.kinds[N.kind[i]]
    };
    if (N.x) {
      nodes[i].x = N.x[i];
      nodes[i].y = N.y[i];
    }
  }

  // One formatter for all edges: Number.toLocaleString builds a new one at every call,
  // which costs a second on a 40,000-edge map.
  var integer = new Intl.NumberFormat("fr-FR").format;

  function edgeTooltip(k) {
    var lines = [N.label[E.from[k]] + " — " + N.label[E.to[k]],
                 "Intensité du lien : " + data.texts.weights[E.weight[k]]];
    var count = E.count[k];
    var informal = E.informal[k];
    if (count > 0) {
      var line = "Échanges : " + integer(count);
      if (informal > 0) {
        line += " (dont " + integer(informal) +
          (informal > 1 ? " informels)" : " informel)");
      } else {
        line += " (aucun informel)";
      }
      lines.push(line);
    }
    if (E.last[k] >= 0) {
      lines.push("Dernier échange : " + data.texts.dates[E.last[k]]);
    }
    if (E.note && E.note[k]) {
      lines.push(E.note[k]);
    }
    return lines.join("\n");
  }

  var edges = new Array(E.from.length);
  for (var k = 0; k < edges.length; k++) {
    edges[k] = {id: k, from: E.from[k], to: E.to[k], width: E.width[k], title: edgeTooltip(k)};
  }

  // Expected-but-weak liaisons: restyle the existing edge, or add a dashed one that does
  // not pull its ends together (it is not a real tie).
  data.warnings.forEach(function (warning, w) {
    var color = data.warningStyles[warning.status];
    var style = {
      dashes: [8, 6],
      color: {color: color, highlight: color, hover: color, opacity: 1}
    };
    if (warning.edge !== null) {
      var edge = edges[warning.edge];
      edge.dashes = style.dashes;
      edge.color = style.color;
      edge.width = Math.max(edge.width, data.warningWidth);
      edge.title = warning.label + "\n" + edge.title;
    } else {
      edges.push({
        id: "warning-" + w,
        from: warning.from,
        to: warning.to,
        width: data.warningWidth,
        dashes: style.dashes,
        color: style.color,
        physics: false,
        title: warning.label + "\n" + N.label[warning.from] + " — " + N.label[warning.to]
      });
    }
  });

  var container = document.getElementById("maillage-map");
  var network = new vis.Network(
    container,
    {nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)},
    data.options
  );
  // Exposed for tests and for the benchmark (bench/maps.py).
  window.maillageNetwork = network;

  if (data.bands.length) {
    network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.fillStyle = "#5b6470";
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      data.bands.forEach(function (band) {
        ctx.font = "bold " + band.size + "px system-ui, sans-serif";
        ctx.fillText(band.label, band.x, band.y);
      });
      ctx.restore();
    });
  }

  document.getElementById("maillage-fit").addEventListener("click", function () {
    network.fit({animation: false});
  });

  // Search by name: the datalist is filled with option values (text), never markup.
  var search = document.getElementById("maillage-search");
  var choices = document.getElementById("maillage-names");
  var seen = Object.create(null);
  N.label.forEach(function (label) {
    if (!seen[label]) {
      seen[label] = true;
      var option = document.createElement("option");
      option.value = label;
      choices.appendChild(option);
    }
  });
  search.addEventListener("change", function () {
    var wanted = search.value;
    var found = [];
    for (var i = 0; i < N.label.length; i++) {
      if (N.label[i] === wanted) { found.push(i); }
    }
    if (found.length) {
      network.selectNodes(found);
      network.fit({nodes: found, animation: false, maxZoomLevel: 1.5});
    }
  });

  // Last: tests and the benchmark wait for this flag, so everything above is in place.
  function markReady() {
    // Milliseconds since navigation started: what bench/maps.py reports as "drawn".
    window.maillageReadyAt = performance.now();
    window.maillageReady = true;
    document.documentElement.setAttribute("data-maillage-ready", "true");
    if (statusLine) { statusLine.hidden = true; }
  }

  function whenDrawn(callback) {
    network.once("afterDrawing", function () { callback(); });
    network.redraw();
  }

  if (data.physics) {
    // Settle once, then freeze: a projected map must not wobble.
    var frozen = false;
    var freeze = function () {
      if (frozen) { return; }
      frozen = true;
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      whenDrawn(markReady);
    };
    network.once("stabilizationIterationsDone", freeze);
    network.once("stabilized", freeze);
  } else {
    network.fit({animation: false});
    whenDrawn(markReady);
  }
})();
