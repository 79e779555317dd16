/*
 * Calculator runtime for protocol pages. No dependencies, no build step.
 *
 * Every widget root ([data-calculator]) names its spec, a JSON file of the site, by a
 * URL relative to the page (data-calculator-spec); expressions in it are already parsed
 * by the generator (generator/calculators/expr.py), so this file never parses an
 * expression. It mirrors generator/calculators/evaluate.py rule for rule; the browser
 * test runs every spec vector through both and requires the same values. A spec that
 * cannot be loaded, or is not the one the widget was built with, shows the widget's
 * "unavailable" message and never a result.
 *
 * Expression tree shapes: {k:"num",v}, {k:"name",v}, {k:"neg",a:[x]}, {k:"not",a:[x]},
 * {k:"op",op,a:[l,r]}, {k:"call",f,a:[...]}. null ("empty") propagates.
 */
(function () {
  "use strict";

  // Same rules as NUMBER_RE, WHOLE_RE and SPACE in evaluate.py.
  var NUMBER_RE = /^-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)$/;
  var WHOLE_RE = /^-?[0-9]+$/;
  var SPACE_RE = /^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g;
  var SVG_NS = "http://www.w3.org/2000/svg";

  function NotFinite(reason) { this.reason = reason; }
  function InputError(messages) { this.messages = messages; }

  function finite(x) {
    if (!Number.isFinite(x)) { throw new NotFinite("result is not a finite number"); }
    return x;
  }

  // ------------------------------------------------------------ expressions

  function evalExpr(node, env) {
    var k = node.k;
    if (k === "num") { return node.v; }
    if (k === "name") { return env[node.v]; }
    var args = node.a.map(function (child) { return evalExpr(child, env); });
    if (args.some(function (v) { return v === null || v === undefined; })) { return null; }
    if (k === "neg") { return finite(-args[0]); }
    if (k === "not") { return !args[0]; }
    if (k === "call") { return callFunction(node.f, args); }
    return binary(node.op, args[0], args[1]);
  }

  function binary(op, a, b) {
    switch (op) {
      case "and": return Boolean(a) && Boolean(b);
      case "or": return Boolean(a) || Boolean(b);
      case "+": return finite(a + b);
      case "-": return finite(a - b);
      case "*": return finite(a * b);
      case "/":
        if (b === 0) { throw new NotFinite("division by zero"); }
        return finite(a / b);
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
      case "==": return a === b;
      case "!=": return a !== b;
    }
    throw new NotFinite("unknown operator " + op);
  }

  function callFunction(name, args) {
    switch (name) {
      case "log10":
        if (args[0] <= 0) { throw new NotFinite("log10 of a value that is not positive"); }
        return finite(Math.log10(args[0]));
      case "abs": return Math.abs(args[0]);
      case "min": return Math.min.apply(null, args);
      case "max": return Math.max.apply(null, args);
    }
    throw new NotFinite("unknown function " + name);
  }

  // ------------------------------------------------------------ evaluation

  // One typed input -> {value} or {message}; mirrors read_input in evaluate.py.
  function readInput(input, text) {
    var cleaned = String(text === null || text === undefined ? "" : text).replace(SPACE_RE, "");
    if (!cleaned) { return { message: input.messages.missing }; }
    if (input.type === "choice") {
      if (input.choices.indexOf(cleaned) < 0) { return { message: input.messages.invalid }; }
      return { value: cleaned };
    }
    if (!(input.whole ? WHOLE_RE : NUMBER_RE).test(cleaned)) {
      return { message: input.messages.invalid };
    }
    var value = Number(cleaned.replace(",", ".")) + 0;  // + 0 turns -0 into 0
    var range = input.range || [-Infinity, Infinity];
    if (!Number.isFinite(value) || value < range[0] || value > range[1]) {
      return { message: input.messages.range };
    }
    if (input.plausible && !(input.plausible[0] <= value && value <= input.plausible[1])) {
      return { message: input.messages.implausible };
    }
    return { value: value };
  }

  function bandContains(band, value) {
    if (band.lower !== null &&
        (value < band.lower || (value === band.lower && !band.lowerInclusive))) { return false; }
    if (band.upper !== null &&
        (value > band.upper || (value === band.upper && !band.upperInclusive))) { return false; }
    return true;
  }

  function runStep(step, env, bands) {
    if (step.kind === "let") {
      env[step.name] = evalExpr(step.expr, env);
    } else if (step.kind === "cases") {
      env[step.name] = evalExpr(step.cases[env[step.by]], env);
    } else if (step.kind === "check") {
      if (evalExpr(step.expr, env) !== true) { throw new InputError([step.message]); }
    } else if (step.kind === "table") {
      runTable(step, env, bands);
    }
  }

  function runTable(step, env, bands) {
    var value = env[step.by];
    if (value === null) {
      step.sets.forEach(function (name) { env[name] = null; });
      return;
    }
    var band = step.bands.find(function (b) { return bandContains(b, value); });
    if (!band) { throw new NotFinite("no band contains " + value); }
    bands[step.name] = band.label;
    var cell = band.cells[env[step.column]];
    step.sets.forEach(function (name) { env[name] = cell[name]; });
  }

  function outputValue(output, env) {
    if (output.type === "code") {
      var code = evalExpr(output.expr, env);
      return typeof code === "string" ? code : null;
    }
    var value = evalExpr(output.expr, env);
    if (value === null) { return null; }
    value = value + 0;
    if (!Number.isFinite(value) || (value < 0 && !output.allowNegative)) {
      throw new NotFinite(output.id + " would be " + value);  // never show a negative dose
    }
    return value;
  }

  // The whole calculation; mirrors evaluate() in evaluate.py. Never throws.
  function evaluate(spec, raw) {
    var inputs = {};
    var messages = [];
    spec.inputs.forEach(function (input) {
      var read = readInput(input, raw[input.id]);
      if (read.message) { messages.push(read.message); } else { inputs[input.id] = read.value; }
    });
    if (messages.length) { return { ok: false, messages: messages }; }
    var env = Object.assign({}, inputs);
    var bands = {};
    var outputs = {};
    try {
      spec.logic.forEach(function (step) { runStep(step, env, bands); });
      spec.outputs.forEach(function (output) { outputs[output.id] = outputValue(output, env); });
    } catch (err) {
      if (err instanceof InputError) { return { ok: false, messages: err.messages }; }
      if (err instanceof NotFinite) { return { ok: false, messages: [spec.messages.impossible] }; }
      throw err;
    }
    return { ok: true, inputs: inputs, outputs: outputs, bands: bands, messages: [] };
  }

  // ------------------------------------------------------------ the page

  var ready = new WeakSet();

  function pageLang(spec) {
    return document.documentElement.lang || spec.lang;
  }

  function formatNumber(value, decimals, lang) {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: decimals }).format(value);
  }

  function readRaw(root, spec) {
    var raw = {};
    spec.inputs.forEach(function (input) {
      var control = root.querySelector('[name="' + input.id + '"]');
      raw[input.id] = control ? control.value : "";
    });
    return raw;
  }

  function update(root, spec) {
    var result = evaluate(spec, readRaw(root, spec));
    root.calculatorResult = result;
    root.setAttribute("data-state", result.ok ? "ok" : "invalid");
    writeOutputs(root, spec, result);
    writeBands(root, spec, result);
    writeMessages(root, spec, result);
    var share = root.querySelector(".calculator-share");
    if (share) {
      share.disabled = !(result.ok && typeof result.outputs[spec.share.output] === "number");
    }
    if (spec.chart) { drawChart(root, spec, result); }
  }

  function writeOutputs(root, spec, result) {
    var lang = pageLang(spec);
    spec.outputs.forEach(function (output) {
      var el = root.querySelector('[data-output="' + output.id + '"]');
      if (!el) { return; }
      var value = result.ok ? result.outputs[output.id] : null;
      if (value === null || value === undefined) {
        // missing, invalid or "not recommended": no value, and never a dose
        el.setAttribute("data-value", "");
        el.textContent = spec.messages.empty;
      } else if (output.type === "code") {
        el.setAttribute("data-value", value);
        el.textContent = output.codes[value] || value;
      } else {
        el.setAttribute("data-value", String(value));
        el.textContent = formatNumber(value, output.decimals, lang);
      }
      var row = el.closest(".calculator-output");
      if (row) { row.setAttribute("data-empty", value === null || value === undefined ? "true" : "false"); }
    });
  }

  function writeBands(root, spec, result) {
    root.querySelectorAll("[data-band]").forEach(function (el) {
      var label = result.ok ? result.bands[el.getAttribute("data-band")] : undefined;
      el.hidden = label === undefined;
      el.textContent = label === undefined ? "" : spec.messages.band + ": " + label;
    });
    root.querySelectorAll("tr[data-band-label]").forEach(function (row) {
      var used = result.ok && Object.keys(result.bands).some(function (k) {
        return result.bands[k] === row.getAttribute("data-band-label");
      });
      row.classList.toggle("calculator-row-used", used);
    });
  }

  function writeMessages(root, spec, result) {
    var list = root.querySelector(".calculator-messages");
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    result.messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    // Mark each control whose own message is shown, for assistive technology and CSS.
    spec.inputs.forEach(function (input) {
      var control = root.querySelector('[name="' + input.id + '"]');
      if (!control) { return; }
      var own = Object.keys(input.messages).some(function (key) {
        return result.messages.indexOf(input.messages[key]) >= 0;
      });
      control.setAttribute("aria-invalid", own && control.value !== "" ? "true" : "false");
    });
  }

  // Fill the `toInput` field of every other calculator on the page with the unrounded
  // value: rounding first could move a CrCl across a band boundary.
  function share(root, spec) {
    var result = root.calculatorResult;
    if (!result || !result.ok) { return; }
    var value = result.outputs[spec.share.output];
    if (typeof value !== "number") { return; }
    document.querySelectorAll("[data-calculator]").forEach(function (other) {
      if (other === root) { return; }
      var field = other.querySelector('input[name="' + spec.share.toInput + '"]');
      if (!field) { return; }
      field.value = String(value);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // ------------------------------------------------------------ chart

  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, String(attrs[key])); });
    if (parent) { parent.appendChild(el); }
    return el;
  }

  function drawChart(root, spec, result) {
    var holder = root.querySelector("[data-chart]");
    if (!holder) { return; }
    while (holder.firstChild) { holder.removeChild(holder.firstChild); }
    if (!result.ok) { return; }
    var chart = spec.chart;
    var start = result.inputs[chart.start];
    var end = result.inputs[chart.end];
    var days = result.inputs[chart.days];
    var logStart = Math.log10(start);
    var logEnd = Math.log10(end);
    var logTarget = logStart - chart.targetLogPerWeek * days / 7;
    var top = Math.ceil(Math.max(logStart, logEnd, logTarget) + 0.25);
    var bottom = Math.floor(Math.min(logStart, logEnd, logTarget) - 0.25);
    var W = 320, H = 180, left = 44, right = 12, upper = 12, lower = 28;
    function x(day) { return left + (W - left - right) * day / days; }
    function y(log) { return upper + (H - upper - lower) * (top - log) / (top - bottom); }
    var lang = pageLang(spec);
    var el = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": chart.title,
                          class: "calculator-chart-svg" }, holder);
    svg("title", {}, el).textContent = chart.title;
    for (var tick = bottom; tick <= top; tick += 1) {
      svg("line", { x1: left, x2: W - right, y1: y(tick), y2: y(tick),
                    class: "calculator-chart-grid" }, el);
      svg("text", { x: left - 4, y: y(tick) + 4, "text-anchor": "end",
                    class: "calculator-chart-label" }, el).textContent =
        "10" + superscript(tick);
    }
    svg("line", { x1: x(0), x2: x(days), y1: y(logStart), y2: y(logTarget),
                  class: "calculator-chart-target" }, el);
    svg("line", { x1: x(0), x2: x(days), y1: y(logStart), y2: y(logEnd),
                  class: "calculator-chart-load" }, el);
    [[0, logStart, start], [days, logEnd, end]].forEach(function (point) {
      var dot = svg("circle", { cx: x(point[0]), cy: y(point[1]), r: 4,
                                class: "calculator-chart-point" }, el);
      svg("title", {}, dot).textContent = formatNumber(point[2], 0, lang);
    });
    svg("text", { x: x(0), y: H - 8, class: "calculator-chart-label" }, el).textContent =
      chart.labels.start;
    svg("text", { x: x(days), y: H - 8, "text-anchor": "end",
                  class: "calculator-chart-label" }, el).textContent =
      chart.labels.end + " (" + formatNumber(days, 0, lang) + ")";
    svg("text", { x: W - right, y: upper + 10, "text-anchor": "end",
                  class: "calculator-chart-legend" }, el).textContent = chart.labels.target;
  }

  function superscript(n) {
    var digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    return String(n).split("").map(function (c) {
      return c === "-" ? "⁻" : digits[Number(c)];
    }).join("");
  }

  // ------------------------------------------------------------ start-up

  var SPEC_FORMAT = 1;  // SPEC_JSON_VERSION in widget.py
  var specs = {};  // absolute URL -> Promise of the parsed spec, one request per file

  function loadSpec(url) {
    if (!specs[url]) {
      specs[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
        return response.json();
      });
      specs[url].catch(function () { delete specs[url]; });  // a reload may try again
    }
    return specs[url];
  }

  // Only the spec the widget was built with: same format, calculator and version.
  function matches(spec, root) {
    return Boolean(spec) && spec.format === SPEC_FORMAT &&
      spec.id === root.getAttribute("data-calculator") &&
      spec.version === root.getAttribute("data-calculator-version") &&
      Array.isArray(spec.inputs) && Array.isArray(spec.logic) && Array.isArray(spec.outputs);
  }

  // No spec, no result: every value empty, the controls off, the message shown.
  function unavailable(root) {
    root.setAttribute("data-state", "unavailable");
    root.querySelectorAll("[data-output]").forEach(function (el) {
      el.setAttribute("data-value", "");
      el.textContent = "\u2014";
    });
    root.querySelectorAll("[data-band]").forEach(function (el) { el.hidden = true; });
    root.querySelectorAll("input, select, button").forEach(function (el) { el.disabled = true; });
    var message = root.querySelector(".calculator-unavailable");
    if (message) { message.hidden = false; }
  }

  function start(root, spec) {
    var refresh = function () {
      try {
        update(root, spec);
      } catch (err) {
        unavailable(root);  // a spec this runtime cannot follow: no value at all
        throw err;
      }
    };
    root.addEventListener("input", refresh);
    root.addEventListener("change", refresh);
    var button = root.querySelector(".calculator-share");
    if (button && spec.share) {
      button.addEventListener("click", function () { share(root, spec); });
    }
    refresh();
  }

  function init(root) {
    if (ready.has(root)) { return; }  // idempotent: instant navigation may call us again
    var source = root.getAttribute("data-calculator-spec");
    if (!source) { return; }
    ready.add(root);
    root.setAttribute("data-state", "loading");
    var url = new URL(source, document.baseURI).href;
    loadSpec(url).then(function (spec) {
      if (!matches(spec, root)) { throw new Error("not the spec of this widget: " + url); }
      start(root, spec);
    }).catch(function (err) {
      unavailable(root);
      if (window.console) { window.console.warn("calculator spec not loaded:", err); }
    });
  }

  function initAll() {
    document.querySelectorAll("[data-calculator]").forEach(init);
  }

  window.ProtocolCalculators = {
    evaluate: function (specJson, rawInputs) {
      var spec = typeof specJson === "string" ? JSON.parse(specJson) : specJson;
      return evaluate(spec, rawInputs || {});
    },
    init: initAll
  };

  // Material's instant navigation swaps the page without reloading scripts and
  // announces each new page on document$; without it, DOMContentLoaded is enough.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(initAll);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
