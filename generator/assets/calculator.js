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
 * Numbers are exact: typed decimals and the spec's constants (written as text in the
 * JSON) become fractions of BigInts (Rat), and + - * / and comparisons never round, as
 * in Python's fractions (generator/calculators/exact.py). Only log10 gives a double; the
 * spec loader makes sure no band, check or notice is decided by such a value. Outputs
 * are converted to the correctly rounded double, as Python's float(Fraction) is.
 *
 * Widgets on one page are one patient: inputs marked `shared` are mirrored between
 * widgets, and an input with a `link` follows another widget's output live.
 *
 * Expression tree shapes: {k:"num",v:"1.4"}, {k:"name",v}, {k:"neg",a:[x]}, {k:"not",a:[x]},
 * {k:"op",op,a:[l,r]}, {k:"call",f,a:[...]}. null ("empty") propagates.
 */
(function () {
  "use strict";

  // Same rules as NUMBER_RE, WHOLE_RE, AMBIGUOUS_RE, SPACE and MAX_LENGTH in evaluate.py.
  var NUMBER_RE = /^-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)$/;
  var WHOLE_RE = /^-?[0-9]+$/;
  var AMBIGUOUS_RE = /^(-?)([1-9][0-9]{0,2})[.,]([0-9]{3})$/;
  var SPACE_RE = /^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g;
  var MAX_LENGTH = 40;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var COMPARISONS = ["<", "<=", ">", ">=", "==", "!="];

  function NotFinite(reason) { this.reason = reason; }
  function InputError(messages) { this.messages = messages; }

  function finite(x) {
    if (!Number.isFinite(x)) { throw new NotFinite("result is not a finite number"); }
    return x;
  }

  // ------------------------------------------------------------ exact numbers

  // A fraction n / d of BigInts, d > 0, in lowest terms (Python: fractions.Fraction).
  function Rat(n, d) {
    if (d < BigInt(0)) { n = -n; d = -d; }
    var g = gcd(n < BigInt(0) ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }

  function gcd(a, b) {
    while (b !== BigInt(0)) { var t = a % b; a = b; b = t; }
    return a === BigInt(0) ? BigInt(1) : a;
  }

  function isRat(x) { return x instanceof Rat; }

  // "72,5", "-0.5", ".5" (checked by the caller) or the JSON's "1/3".
  function ratParse(text) {
    var slash = text.indexOf("/");
    if (slash >= 0) { return new Rat(BigInt(text.slice(0, slash)), BigInt(text.slice(slash + 1))); }
    var t = text.replace(",", ".");
    var negative = t.charAt(0) === "-";
    if (negative) { t = t.slice(1); }
    var dot = t.indexOf(".");
    var whole = dot < 0 ? t : t.slice(0, dot);
    var fraction = dot < 0 ? "" : t.slice(dot + 1);
    var n = BigInt((whole || "0") + fraction);
    return new Rat(negative ? -n : n, BigInt(10) ** BigInt(fraction.length));
  }

  function ratAdd(a, b) { return new Rat(a.n * b.d + b.n * a.d, a.d * b.d); }
  function ratSub(a, b) { return new Rat(a.n * b.d - b.n * a.d, a.d * b.d); }
  function ratMul(a, b) { return new Rat(a.n * b.n, a.d * b.d); }
  function ratDiv(a, b) { return new Rat(a.n * b.d, a.d * b.n); }
  function ratNeg(a) { return new Rat(-a.n, a.d); }
  function ratCmp(a, b) {
    var l = a.n * b.d, r = b.n * a.d;
    return l < r ? -1 : (l > r ? 1 : 0);
  }
  function ratSign(a) { return a.n < BigInt(0) ? -1 : (a.n > BigInt(0) ? 1 : 0); }

  function bitLength(x) { return x.toString(2).length; }

  // The double nearest to n / d, ties to even: the value Python's float(Fraction) gives.
  // The quotient is taken to 66-67 bits and a sticky bit marks a non-zero remainder, so
  // Number(BigInt), itself correctly rounded, never meets a false tie.
  function ratToNumber(a) {
    if (a.n === BigInt(0)) { return 0; }
    var negative = a.n < BigInt(0);
    var n = negative ? -a.n : a.n;
    var shift = 66 - (bitLength(n) - bitLength(a.d));
    var num = shift > 0 ? n << BigInt(shift) : n;
    var den = shift > 0 ? a.d : a.d << BigInt(-shift);
    var q = num / den;
    q = (q << BigInt(1)) | (num % den === BigInt(0) ? BigInt(0) : BigInt(1));
    var value = Number(q);
    var exponent = -(shift + 1);
    while (exponent < -1000) { value *= Math.pow(2, -1000); exponent += 1000; }
    while (exponent > 1000) { value *= Math.pow(2, 1000); exponent -= 1000; }
    value *= Math.pow(2, exponent);
    return negative ? -value : value;
  }

  function toNumber(x) { return isRat(x) ? ratToNumber(x) : x; }

  // ------------------------------------------------------------ expressions

  function evalExpr(node, env) {
    var k = node.k;
    if (k === "num") {
      if (!node.rat) { node.rat = ratParse(node.v); }
      return node.rat;
    }
    if (k === "name") { return env[node.v] === undefined ? null : env[node.v]; }
    if (k === "op") { return binaryLazy(node, env); }
    if (k === "call" && node.f === "given") { return evalExpr(node.a[0], env) !== null; }
    if (k === "call" && node.f === "first") {
      for (var i = 0; i < node.a.length; i += 1) {
        var found = evalExpr(node.a[i], env);
        if (found !== null) { return found; }
      }
      return null;
    }
    var args = node.a.map(function (child) { return evalExpr(child, env); });
    if (args.some(function (v) { return v === null; })) { return null; }
    if (k === "neg") { return isRat(args[0]) ? ratNeg(args[0]) : finite(-args[0]); }
    if (k === "not") { return !args[0]; }
    return callFunction(node.f, args);
  }

  function binaryLazy(node, env) {
    var left = evalExpr(node.a[0], env);
    if (left === null) { return null; }
    if (node.op === "and" || node.op === "or") {
      if ((node.op === "and") !== Boolean(left)) { return Boolean(left); }
      var right = evalExpr(node.a[1], env);
      return right === null ? null : Boolean(right);
    }
    var other = evalExpr(node.a[1], env);
    if (other === null) { return null; }
    return binary(node.op, left, other);
  }

  function binary(op, a, b) {
    if (isRat(a) && isRat(b)) {
      switch (op) {
        case "+": return ratAdd(a, b);
        case "-": return ratSub(a, b);
        case "*": return ratMul(a, b);
        case "/":
          if (ratSign(b) === 0) { throw new NotFinite("division by zero"); }
          return ratDiv(a, b);
        case "<": return ratCmp(a, b) < 0;
        case "<=": return ratCmp(a, b) <= 0;
        case ">": return ratCmp(a, b) > 0;
        case ">=": return ratCmp(a, b) >= 0;
        case "==": return ratCmp(a, b) === 0;
        case "!=": return ratCmp(a, b) !== 0;
      }
    }
    if (COMPARISONS.indexOf(op) >= 0) {
      // the loader refuses such a comparison; never decide by a rounded value
      throw new NotFinite("a value computed from log10 cannot be compared exactly");
    }
    var x = toNumber(a), y = toNumber(b);
    switch (op) {
      case "+": return finite(x + y);
      case "-": return finite(x - y);
      case "*": return finite(x * y);
      case "/":
        if (y === 0) { throw new NotFinite("division by zero"); }
        return finite(x / y);
    }
    throw new NotFinite("unknown operator " + op);
  }

  function callFunction(name, args) {
    if (name === "log10") {
      var sign = isRat(args[0]) ? ratSign(args[0]) : Math.sign(args[0]);
      if (sign <= 0) { throw new NotFinite("log10 of a value that is not positive"); }
      return finite(Math.log10(toNumber(args[0])));
    }
    if (args.every(isRat)) {
      if (name === "abs") { return ratSign(args[0]) < 0 ? ratNeg(args[0]) : args[0]; }
      var best = args[0];
      args.forEach(function (v) {
        if ((name === "min" && ratCmp(v, best) < 0) || (name === "max" && ratCmp(v, best) > 0)) {
          best = v;
        }
      });
      if (name === "min" || name === "max") { return best; }
    }
    var numbers = args.map(toNumber);
    switch (name) {
      case "abs": return Math.abs(numbers[0]);
      case "min": return Math.min.apply(null, numbers);
      case "max": return Math.max.apply(null, numbers);
    }
    throw new NotFinite("unknown function " + name);
  }

  // ------------------------------------------------------------ evaluation

  // The spec's exact texts as fractions, once per spec.
  function prepare(spec) {
    if (spec.prepared) { return spec; }
    spec.inputs.forEach(function (input) {
      input.exactRange = input.range && input.range.map(ratParse);
      input.exactPlausible = input.plausible && input.plausible.map(ratParse);
      if (input.link && input.link.max !== null) { input.link.exactMax = ratParse(input.link.max); }
    });
    spec.logic.forEach(function (step) {
      if (step.kind !== "table") { return; }
      step.bands.concat(Object.keys(step.overrides || {}).map(function (code) {
        return step.overrides[code];
      })).forEach(function (band) {
        band.exactLower = band.lower === null ? null : ratParse(band.lower);
        band.exactUpper = band.upper === null ? null : ratParse(band.upper);
        Object.keys(band.cells).forEach(function (code) {
          var cell = band.cells[code];
          Object.keys(cell).forEach(function (name) {
            var v = cell[name];
            if (v !== null && typeof v === "object") { cell[name] = ratParse(v.n); }
          });
        });
      });
    });
    spec.prepared = true;
    return spec;
  }

  // The message for "1.500" / "1,500" with both readings; null if unambiguous.
  function ambiguousMessage(template, text, decimal) {
    var match = AMBIGUOUS_RE.exec(text);
    if (!match) { return null; }
    var digits = match[3].replace(/0+$/, "");
    var reading = match[1] + match[2] + (digits ? decimal + digits : "");
    return template.split("{text}").join(text).split("{grouped}").join(match[1] + match[2] + match[3])
      .split("{decimal}").join(reading);
  }

  // One typed input -> {value} or {message}; mirrors read_input in evaluate.py. A linked
  // value arrives as a Rat: exact, never through text.
  function readInput(input, text, decimal) {
    var value;
    if (isRat(text)) {
      value = text;
    } else {
      var cleaned = String(text === null || text === undefined ? "" : text).replace(SPACE_RE, "");
      if (!cleaned) {
        if (input["default"]) { return { value: input["default"] }; }
        return input.optional ? { value: null } : { message: input.messages.missing };
      }
      if (input.type === "choice") {
        if (input.choices.indexOf(cleaned) < 0) { return { message: input.messages.invalid }; }
        return { value: cleaned };
      }
      if (!(input.whole ? WHOLE_RE : NUMBER_RE).test(cleaned)) {
        return { message: input.messages.invalid };
      }
      if (cleaned.length > MAX_LENGTH) { return { message: input.messages.range }; }
      var ambiguous = ambiguousMessage(input.messages.ambiguous, cleaned, decimal);
      if (ambiguous !== null && !input.whole) { return { message: ambiguous }; }
      value = ratParse(cleaned);
    }
    var range = input.exactRange;
    if (range && (ratCmp(value, range[0]) < 0 || ratCmp(value, range[1]) > 0)) {
      return { message: input.messages.range };
    }
    var plausible = input.exactPlausible;
    if (plausible && (ratCmp(value, plausible[0]) < 0 || ratCmp(value, plausible[1]) > 0)) {
      return { message: input.messages.implausible };
    }
    return { value: value };
  }

  function machine(input, value) {
    if (!isRat(value)) { return value; }
    return input.whole ? Number(value.n) : ratToNumber(value);
  }

  function bandContains(band, value) {
    if (band.exactLower !== null) {
      var low = ratCmp(value, band.exactLower);
      if (low < 0 || (low === 0 && !band.lowerInclusive)) { return false; }
    }
    if (band.exactUpper !== null) {
      var high = ratCmp(value, band.exactUpper);
      if (high > 0 || (high === 0 && !band.upperInclusive)) { return false; }
    }
    return true;
  }

  function holds(when, env) { return when === null || evalExpr(when, env) === true; }

  function runStep(spec, step, env, bands, notices, shown) {
    if (step.kind === "let") {
      env[step.name] = evalExpr(step.expr, env);
    } else if (step.kind === "cases") {
      var code = env[step.by];
      var chosen = code === null ? undefined : step.cases[code];
      env[step.name] = chosen === undefined ? null : evalExpr(chosen, env);
    } else if (step.kind === "check") {
      if (evalExpr(step.expr, env) !== true) { throw new InputError([step.message]); }
    } else if (step.kind === "require") {
      if (!holds(step.when, env)) { return; }
      var missing = step.names.filter(function (name) { return env[name] === null; })
        .map(function (name) { return inputOf(spec, name).messages.missing; });
      if (missing.length) { throw new InputError(missing); }
    } else if (step.kind === "notice") {
      if (holds(step.when, env)) { notices.push(step.message); }
    } else if (step.kind === "table") {
      runTable(step, env, bands, notices, shown);
    }
  }

  function inputOf(spec, id) {
    return spec.inputs.find(function (input) { return input.id === id; });
  }

  // The override row for the patient, else the band holding the value (exactly).
  function tableRow(step, env) {
    var code = step.overrideBy ? env[step.overrideBy] : null;
    if (code !== null && step.overrides && step.overrides[code]) { return step.overrides[code]; }
    var value = env[step.by];
    if (value === null) { return null; }
    if (!isRat(value)) { throw new NotFinite(step.by + " is not exact"); }
    var band = step.bands.find(function (b) { return bandContains(b, value); });
    if (!band) { throw new NotFinite("no band contains " + value); }
    return band;
  }

  function runTable(step, env, bands, notices, shown) {
    var band = tableRow(step, env);
    var column = env[step.column];
    if (band === null || column === null) {
      step.sets.forEach(function (name) { env[name] = null; });
      return;
    }
    bands[step.name] = band.label;
    if (shown) { shown[step.name] = band.shown || band.label; }
    if (band.notice) { notices.push(band.notice); }
    var cell = band.cells[column];
    step.sets.forEach(function (name) { env[name] = cell[name]; });
  }

  function outputValue(output, env) {
    var value = evalExpr(output.expr, env);
    if (output.type === "code") { return typeof value === "string" ? value : null; }
    if (value === null) { return null; }
    var negative = isRat(value) ? ratSign(value) < 0 : value < 0;
    if (negative && !output.allowNegative) {
      throw new NotFinite(output.id + " would be negative");  // never show a negative dose
    }
    var number = toNumber(value) + 0;  // + 0 turns -0 into 0
    if (!Number.isFinite(number)) { throw new NotFinite(output.id + " is too large"); }
    return number;
  }

  // The whole calculation; mirrors evaluate() in evaluate.py. Never throws.
  function evaluate(spec, raw) {
    prepare(spec);
    var env = {};
    var inputs = {};
    var messages = [];
    spec.inputs.forEach(function (input) {
      var read = readInput(input, raw[input.id], spec.decimal);
      if (read.message) { messages.push(read.message); return; }
      env[input.id] = read.value;
      if (read.value !== null) { inputs[input.id] = machine(input, read.value); }
    });
    if (messages.length) { return { ok: false, messages: messages }; }
    var bands = {};
    var bandText = {};  // the band as said under the result: with its unit
    var notices = [];
    var outputs = {};
    var exact = {};
    try {
      spec.logic.forEach(function (step) { runStep(spec, step, env, bands, notices, bandText); });
      spec.outputs.forEach(function (output) {
        outputs[output.id] = outputValue(output, env);
        var value = evalExpr(output.expr, env);
        exact[output.id] = isRat(value) ? value : null;
      });
    } catch (err) {
      if (err instanceof InputError) { return { ok: false, messages: err.messages }; }
      if (err instanceof NotFinite) { return { ok: false, messages: [spec.messages.impossible] }; }
      throw err;
    }
    return { ok: true, inputs: inputs, outputs: outputs, exact: exact, bands: bands,
             bandText: bandText, notices: notices, messages: [] };
  }

  // ------------------------------------------------------------ the page

  var ready = new WeakSet();
  var widgets = [];  // {root, spec} of every started widget of the page: one patient

  function pageLang(spec) {
    return document.documentElement.lang || spec.lang;
  }

  function formatNumber(value, decimals, lang) {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: decimals }).format(value);
  }

  function control(root, id) {
    return root.querySelector('[name="' + id + '"]');
  }

  function readRaw(root, spec) {
    var raw = {};
    spec.inputs.forEach(function (input) {
      var field = control(root, input.id);
      raw[input.id] = field ? field.value : "";
      if (input.link && field) {
        var linked = follow(root, spec, input, field);
        if (linked !== undefined) { raw[input.id] = linked; }
      }
    });
    return raw;
  }

  // ---- links: a field that takes another widget's output, live

  function sourceOf(link) {
    return widgets.find(function (w) { return w.spec.id === link.calculator; });
  }

  function decimalsOf(spec, id) {
    var output = spec.outputs.find(function (o) { return o.id === id; });
    return output ? output.decimals : 6;
  }

  // The exact value the field follows (a Rat), "" for none, or undefined when the field
  // is not linked (no source on this page, or typed by hand: then its text is read).
  // The field shows the value rounded, in the page's notation, marked as linked.
  function follow(root, spec, input, field) {
    var link = input.link;
    var source = sourceOf(link);
    var marker = root.querySelector('[data-link-for="' + input.id + '"]');
    if (!source || source.root === root) {
      field.removeAttribute("data-link");
      if (marker) { marker.hidden = true; }
      return undefined;
    }
    if (!marker) { marker = linkNote(root, field, input.id); }
    var lang = pageLang(spec);
    var result = source.root.calculatorResult;
    var value = result && result.ok ? result.exact[link.output] : null;
    var text = value ? shownDown(value, decimalsOf(source.spec, link.output), lang) : "";
    if (field.getAttribute("data-link") === "typed") {
      mark(marker, spec.messages.link_typed, spec.messages.link_restore, root, field);
      return undefined;
    }
    var state = "live", words = link.label;
    if (!value) {
      state = "waiting";
      words = spec.messages.link_waiting.replace("{label}", link.label);
    } else if (link.exactMax && ratCmp(value, link.exactMax) > 0) {
      state = "implausible";
      words = spec.messages.link_implausible.replace("{label}", link.label)
        .replace("{value}", text).replace("{max}", formatNumber(ratToNumber(link.exactMax), 6, lang));
    }
    field.setAttribute("data-link", state);
    field.value = state === "live" ? text : "";
    mark(marker, words, null, root, field);
    return state === "live" ? value : "";
  }

  // The note under a linked field, made here: pages without the source do not carry it.
  function linkNote(root, field, id) {
    var note = document.createElement("p");
    note.className = "calculator-link";
    note.id = ("calc-" + root.getAttribute("data-calculator") + "-" + id + "-link").replace(/_/g, "-");
    note.setAttribute("data-link-for", id);
    note.hidden = true;
    var label = field.closest("label") || field;  // under the label, not inside it
    label.parentNode.insertBefore(note, label.nextSibling);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    return note;
  }

  // The linked value shown cut off, not rounded, at the source's decimals: 69.96 shows as
  // 69.9, not 70, so what the field shows is never at a lower band bound the value is below.
  function shownDown(value, decimals, lang) {
    var scale = BigInt(10) ** BigInt(decimals);
    var n = value.n * scale;
    var cut = n / value.d - (n % value.d < BigInt(0) ? BigInt(1) : BigInt(0));  // floor
    return formatNumber(ratToNumber(new Rat(cut, scale)), decimals, lang);
  }

  function mark(marker, words, restore, root, field) {
    if (!marker) { return; }
    var key = words + "\u0000" + (restore || "");
    if (marker.getAttribute("data-said") === key && !marker.hidden) { return; }  // keep the button
    marker.setAttribute("data-said", key);
    while (marker.firstChild) { marker.removeChild(marker.firstChild); }
    marker.appendChild(document.createTextNode(words));
    if (restore) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "calculator-link-restore";
      button.textContent = restore;
      button.addEventListener("click", function () {
        field.setAttribute("data-link", "live");
        refresh(root);
      });
      marker.appendChild(document.createTextNode(" "));
      marker.appendChild(button);
    }
    marker.hidden = false;
  }

  // ---- shared inputs: the same fact about the patient in every widget of the page

  function mirror(root, spec, name, value) {
    var input = inputOf(spec, name);
    if (!input || !input.shared) { return; }
    widgets.forEach(function (w) {
      if (w.root === root) { return; }
      var other = inputOf(w.spec, name);
      var field = control(w.root, name);
      if (other && other.shared && field && field.value !== value) {
        field.value = value;
        update(w.root, w.spec);
      }
    });
  }

  function filled(root) {
    return Array.prototype.some.call(root.querySelectorAll("input[name], select[name]"),
      function (field) {
        if (field.tagName !== "SELECT") { return field.value !== ""; }
        var start = Array.prototype.find.call(field.options, function (o) { return o.defaultSelected; });
        return field.value !== (start ? start.value : "");
      });
  }

  function refresh(root) {
    var widget = widgets.find(function (w) { return w.root === root; });
    if (widget) { update(widget.root, widget.spec); }
  }

  var depth = 0;

  function update(root, spec) {
    var result = evaluate(spec, readRaw(root, spec));
    root.calculatorResult = result;
    root.setAttribute("data-state", result.ok ? "ok" : "invalid");
    // For print: an untouched widget (every field at its start) need not be printed.
    root.setAttribute("data-filled", filled(root) ? "true" : "false");
    writeOutputs(root, spec, result);
    writeBands(root, spec, result);
    writeNotices(root, result);
    writeMessages(root, spec, result);
    if (spec.chart) { drawChart(root, spec, result); }
    // Every widget that follows this one's outputs follows it now: never a stale dose.
    if (depth > 4) { return; }  // specs link one way; a loop would be a spec error
    depth += 1;
    try {
      widgets.forEach(function (w) {
        if (w.root !== root && w.spec.inputs.some(function (input) {
          return input.link && input.link.calculator === spec.id;
        })) { update(w.root, w.spec); }
      });
    } finally {
      depth -= 1;
    }
  }

  function writeOutputs(root, spec, result) {
    var lang = pageLang(spec);
    spec.outputs.forEach(function (output) {
      var el = root.querySelector('[data-output="' + output.id + '"]');
      if (!el) { return; }
      var value = result.ok ? result.outputs[output.id] : null;
      if (value === null || value === undefined) {
        // missing, invalid, "not recommended" or "no label dose": no value, never a dose
        el.setAttribute("data-value", "");
        el.textContent = spec.messages.empty;
      } else if (output.type === "code") {
        el.setAttribute("data-value", value);
        el.textContent = output.codes[value] || value;
      } else {
        el.setAttribute("data-value", String(value));
        el.textContent = root.getAttribute("data-unrounded") === "true"
          ? formatNumber(value, 20, lang) : shownNumber(output, value, result.exact[output.id], lang);
      }
      var row = el.closest("div");
      if (row) { row.setAttribute("data-empty", value === null || value === undefined ? "true" : "false"); }
    });
  }

  // A number at the spec's decimals; cut off where the spec says so (a CrCl of 69.96 is
  // 69.9, never 70), and with more digits where the rounded value would sit on a band
  // bound of the spec that the value is not on (1.0004 is not "1" beside "> 1.0 – 1.4").
  function shownNumber(output, value, exact, lang) {
    if (output.roundDown && exact) { return shownDown(exact, output.decimals, lang); }
    var bounds = (output.bounds || []).map(ratParse);
    for (var d = output.decimals; d < 10; d += 1) {
      var rounded = ratParse(value.toFixed(d));
      var misleading = exact && bounds.some(function (b) {
        return ratCmp(rounded, b) === 0 && ratCmp(exact, b) !== 0;
      });
      if (!misleading) { return formatNumber(Number(value.toFixed(d)), d, lang); }
    }
    return formatNumber(value, 20, lang);
  }

  function writeBands(root, spec, result) {
    root.querySelectorAll("[data-band]").forEach(function (el) {
      var name = el.getAttribute("data-band");
      var label = result.ok ? result.bandText[name] : undefined;
      el.hidden = label === undefined;
      el.textContent = label === undefined ? "" : spec.messages.band + ": " + label;
    });
    root.querySelectorAll("tr[data-band-label]").forEach(function (row) {
      var used = result.ok && Object.keys(result.bands).some(function (k) {
        return result.bands[k] === row.getAttribute("data-band-label");
      });
      row.classList.toggle("calculator-row-used", used);
      if (used) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
    var copy = root.querySelector(".calculator-copy");
    if (copy) { copy.disabled = !result.ok; }
  }

  function fillList(list, texts) {
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    texts.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
  }

  // Notices with a result: the list is made on the first one (the page need not carry it).
  function writeNotices(root, result) {
    var list = root.querySelector(".calculator-notices");
    var notices = result.ok ? result.notices : [];
    if (!list && notices.length) {
      list = document.createElement("ul");
      list.className = "calculator-notices";
      var messages = root.querySelector(".calculator-messages");
      messages.parentNode.insertBefore(list, messages);
    }
    fillList(list, notices);
  }

  // A field nobody has touched yet says nothing: its "enter a value" waits until the
  // reader has been in it or typed. The result stays empty all the same.
  function untouchedEmpty(root, input) {
    var field = control(root, input.id);
    return Boolean(field) && !(root.calculatorTouched || {})[input.id] &&
      field.value.replace(SPACE_RE, "") === "";
  }

  function writeMessages(root, spec, result) {
    var quiet = spec.inputs.filter(function (input) { return untouchedEmpty(root, input); })
      .map(function (input) { return input.messages.missing; });
    var shown = result.messages.filter(function (m) { return quiet.indexOf(m) < 0; });
    fillList(root.querySelector(".calculator-messages"), shown);
    // Mark each control whose own message is shown, for assistive technology and CSS.
    spec.inputs.forEach(function (input) {
      var field = control(root, input.id);
      if (!field) { return; }
      var own = Object.keys(input.messages).some(function (key) {
        return shown.indexOf(input.messages[key]) >= 0;
      }) || shown.some(function (m) {
        return ambiguousMessage(input.messages.ambiguous, field.value.replace(SPACE_RE, ""),
                                spec.decimal) === m;
      });
      field.setAttribute("aria-invalid", own ? "true" : "false");
    });
  }

  // ------------------------------------------------------------ made here, not in the page

  function make(tag, className, text, parent) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (parent) { parent.appendChild(el); }
    return el;
  }

  // What the page leaves out to stay small, and what works only with this file anyway:
  // the controls' attributes, the copy and reset buttons, and the dosing table.
  function furnish(root, spec) {
    var messages = root.querySelector(".calculator-messages");
    var id = "calc-" + spec.id.replace(/_/g, "-") + "-messages";
    if (messages && !messages.id) { messages.id = id; }
    root.querySelectorAll("input[name], select[name]").forEach(function (field) {
      field.setAttribute("autocomplete", "off");
      if (field.tagName === "INPUT") { field.setAttribute("spellcheck", "false"); }
      var described = field.getAttribute("aria-describedby");
      if (!described || described.split(" ").indexOf(id) < 0) {
        field.setAttribute("aria-describedby", described ? id + " " + described : id);
      }
    });
    var outputs = root.querySelector(".calculator-outputs");
    if (outputs && !root.querySelector(".calculator-actions")) {
      var actions = make("div", "calculator-actions");
      var copy = make("button", "calculator-copy", spec.messages.copy, actions);
      var reset = make("button", "calculator-reset", spec.messages.reset, actions);
      var exact = make("button", "calculator-unrounded", spec.messages.unrounded, actions);
      [copy, reset, exact].forEach(function (b) { b.type = "button"; });
      exact.setAttribute("aria-pressed", "false");
      make("span", "calculator-copied", "", actions).setAttribute("role", "status");
      copy.addEventListener("click", function () { copyResult(root, spec); });
      reset.addEventListener("click", function () { resetWidget(root, spec); });
      exact.addEventListener("click", function () {
        var on = root.getAttribute("data-unrounded") !== "true";
        root.setAttribute("data-unrounded", on ? "true" : "false");
        exact.setAttribute("aria-pressed", on ? "true" : "false");
        refresh(root);
      });
      outputs.parentNode.insertBefore(actions, outputs.nextSibling);
    }
    spec.logic.forEach(function (step) {
      if (step.kind !== "table" || !step.shown || root.querySelector("table.calculator-table")) {
        return;
      }
      var band = root.querySelector('[data-band="' + step.name + '"]');
      if (band) { band.parentNode.insertBefore(dosingTable(step.shown), band.nextSibling); }
    });
  }

  // The dosing table under the widget, from the spec's finished texts; writeBands marks
  // the patient's row.
  function dosingTable(shown) {
    // On a narrow screen calculator.css stacks each row, every cell under its column's
    // name (data-label), so no column is cut off at the edge; the roles keep it a table
    // for screen readers once its parts are no longer displayed as one.
    var wrap = make("div", "calculator-table-wrap");
    var table = make("table", "calculator-table", null, wrap);
    table.setAttribute("role", "table");
    make("caption", null, shown.caption, table);
    var head = make("tr", null, null, make("thead", null, null, table));
    head.setAttribute("role", "row");
    shown.head.forEach(function (text) {
      var cell = make("th", null, text, head);
      cell.scope = "col";
      cell.setAttribute("role", "columnheader");
    });
    var body = make("tbody", null, null, table);
    shown.rows.forEach(function (cells) {
      var row = make("tr", null, null, body);
      row.setAttribute("role", "row");
      row.setAttribute("data-band-label", cells[0]);
      var band = make("th", null, cells[0], row);
      band.scope = "row";
      band.setAttribute("role", "rowheader");
      band.setAttribute("data-label", shown.head[0]);
      cells.slice(1).forEach(function (text, column) {
        var cell = make("td", null, text, row);
        cell.setAttribute("role", "cell");
        cell.setAttribute("data-label", shown.head[column + 1]);
      });
    });
    return wrap;
  }

  // The result as one line of text in the page's language, as the page shows it.
  function resultText(root) {
    var title = root.querySelector(".calculator-title");
    var parts = [];
    root.querySelectorAll(".calculator-outputs > div").forEach(function (row) {
      var value = row.querySelector("[data-output]");
      if (!value || value.getAttribute("data-value") === "") { return; }
      var unit = row.querySelector(".calculator-unit");
      parts.push(row.querySelector("dt").textContent + ": " + value.textContent +
                 (unit ? " " + unit.textContent : ""));
    });
    root.querySelectorAll("[data-band]").forEach(function (el) {
      if (!el.hidden && el.textContent) { parts.push(el.textContent); }
    });
    return (title ? title.textContent + ": " : "") + parts.join("; ");
  }

  function copyResult(root, spec) {
    var status = root.querySelector(".calculator-copied");
    var result = root.calculatorResult;
    if (!result || !result.ok) { return; }
    var text = resultText(root);
    var said = function (words) { if (status) { status.textContent = words; } };
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      said(spec.messages.copy_failed);
      return;
    }
    navigator.clipboard.writeText(text).then(function () {
      said(spec.messages.copied.replace("{text}", text));
    }, function () { said(spec.messages.copy_failed); });
  }

  // Every field back to its start (a choice to its default), the links live again, and
  // nothing said until the reader touches a field.
  function resetWidget(root, spec) {
    root.querySelectorAll("input[name], select[name]").forEach(function (field) {
      if (field.tagName === "SELECT") {
        var start = Array.prototype.find.call(field.options, function (o) { return o.defaultSelected; });
        field.value = start ? start.value : "";
      } else {
        field.value = "";
      }
      if (field.getAttribute("data-link") === "typed") { field.setAttribute("data-link", "live"); }
    });
    root.calculatorTouched = {};
    var status = root.querySelector(".calculator-copied");
    if (status) { status.textContent = ""; }
    refresh(root);
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

  var SPEC_FORMAT = 3;  // SPEC_JSON_VERSION in widget.py
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
    prepare(spec);
    furnish(root, spec);
    root.calculatorTouched = {};
    widgets = widgets.filter(function (w) { return document.contains(w.root); });
    widgets.push({ root: root, spec: spec });
    var changed = function (event) {
      try {
        var target = event && event.target;
        var name = target && target.getAttribute && target.getAttribute("name");
        var input = name ? inputOf(spec, name) : null;
        if (input && event.type !== "focusout") { root.calculatorTouched[name] = true; }
        if (event && event.type === "input" && input && input.link &&
            target.getAttribute("data-link") !== null) {
          target.setAttribute("data-link", "typed");  // typed by hand: the link yields
        }
        update(root, spec);
        if (input) { mirror(root, spec, name, target.value); }
      } catch (err) {
        unavailable(root);  // a spec this runtime cannot follow: no value at all
        throw err;
      }
    };
    root.addEventListener("input", changed);
    root.addEventListener("change", changed);
    root.addEventListener("focusout", function (event) {
      var name = event.target && event.target.getAttribute && event.target.getAttribute("name");
      if (name && inputOf(spec, name) && !root.calculatorTouched[name]) {
        root.calculatorTouched[name] = true;  // left the field: now it may say what is missing
        refresh(root);
      }
    });
    changed(null);
    // A widget that starts after its source, or a source after its followers.
    widgets.forEach(function (w) { if (w.root !== root) { update(w.root, w.spec); } });
  }

  function init(root) {
    if (ready.has(root)) { return; }  // idempotent: instant navigation may call us again
    var source = root.getAttribute("data-calculator-spec");
    if (!source) { return; }
    ready.add(root);
    if (typeof BigInt !== "function") { unavailable(root); return; }  // no exact numbers
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
