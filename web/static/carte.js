// Carte: shows the node clicked in the map (a same-origin frame) in the page's own panel.
// The map document exposes window.maillageNetwork (vis-network) and sets
// html[data-maillage-ready="true"] once drawn; /carte/noeuds lists its nodes in the same
// order (a node's index is its vis-network id). Text only: nothing here builds HTML from data.
(function () {
  "use strict";
  var frame = document.getElementById("carte-document");
  var panel = document.getElementById("carte-detail");
  var chooser = document.getElementById("carte-element");
  if (!frame || !panel || !chooser) { return; }
  var nodes = null;
  var network = null;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function definitions(rows) {
    var list = element("dl", null, "facts");
    rows.forEach(function (row) {
      var item = element("div");
      item.appendChild(element("dt", row[0]));
      item.appendChild(element("dd", row[1]));
      list.appendChild(item);
    });
    return list;
  }

  function show(index) {
    var node = nodes && nodes[index];
    if (!node) { return; }
    panel.textContent = "";
    panel.appendChild(element("h3", node.label));
    panel.appendChild(definitions(node.details));
    if (node.metrics.length) {
      panel.appendChild(element("h4", "Indicateurs"));
      panel.appendChild(definitions(node.metrics));
    }
    var more = element("p");
    var link = element("a", "Ouvrir la fiche de " + node.label);
    link.href = node.href;
    more.appendChild(link);
    panel.appendChild(more);
    if (chooser.value !== String(index)) { chooser.value = String(index); }
  }

  function fill() {
    chooser.textContent = "";
    chooser.appendChild(element("option", nodes.length ? "Choisir…" : "Carte vide"));
    chooser.firstChild.value = "";
    nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label, "fr"); })
      .forEach(function (node) {
        var option = element("option", node.label);
        option.value = String(node.index);
        chooser.appendChild(option);
      });
    chooser.disabled = nodes.length === 0;
  }

  function load() {
    fetch(frame.getAttribute("data-noeuds"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        nodes = data.nodes;
        fill();
      })
      .catch(function () {
        chooser.textContent = "";
        chooser.appendChild(element("option", "Détail indisponible"));
      });
  }

  chooser.addEventListener("change", function () {
    if (chooser.value === "") { return; }
    var index = Number(chooser.value);
    show(index);
    if (network) {
      network.selectNodes([index]);
      network.focus(index, {scale: 1.2, animation: false});
    }
  });

  var tries = 0;
  var polling = false;
  function attach() {
    if (network) { return; }
    var view = frame.contentWindow;
    var doc = frame.contentDocument;
    var ready = doc && doc.documentElement && doc.documentElement.getAttribute("data-maillage-ready") === "true";
    if (!ready || !view.maillageNetwork) {
      tries += 1;
      polling = tries < 1200;  // up to five minutes for a large map
      if (polling) { window.setTimeout(attach, 250); }
      return;
    }
    polling = false;
    network = view.maillageNetwork;
    network.on("click", function (params) {
      if (params.nodes && params.nodes.length) {
        var index = params.nodes[0];
        if (nodes) { show(index); }
      }
    });
    load();
  }

  // One watcher, whether the frame finished loading before or after this script ran.
  function start() {
    if (polling || network) { return; }
    tries = 0;
    attach();
  }
  frame.addEventListener("load", start);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") { start(); }
})();
