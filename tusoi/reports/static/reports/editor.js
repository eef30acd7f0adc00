/* The report editor: autosave, an offline copy in the browser, conflict and error messages,
   live character counters. Progressive enhancement: without this script the page is a plain
   form that saves and submits. No third-party code.

   - Saves the whole content as JSON to the form's data-save-url 2 s after the last change, and at
     least every 10 s while typing goes on. The hidden `version` follows each save.
   - Every change is also kept in localStorage (one key per report, with the version it is based
     on) until the server has it; on load, such a copy is put back and sent.
   - No connection: the status says so, and saving is retried every 15 s and when the browser
     comes back online. A 409 (saved elsewhere) stops autosaving and shows the message; the
     server has kept the refused text as a revision, and the local copy stays.
   Status texts come translated from the page (data-* attributes of #save-status). */
(function () {
  "use strict";

  var form = document.getElementById("report-editor");
  if (!form || !window.fetch || !window.JSON) return;

  var DEBOUNCE_MS = 2000;
  var MAX_WAIT_MS = 10000;
  var RETRY_MS = 15000;

  var status = document.getElementById("save-status");
  var versionInput = form.querySelector("input[name=version]");
  var reasonInput = form.querySelector("input[name=proxy_reason]");
  var conflictBox = document.getElementById("conflict-box");
  var notice = document.getElementById("local-notice");
  var saveUrl = form.getAttribute("data-save-url");
  var storageKey = "tusoi-report-" + form.getAttribute("data-report-id");
  var tabId = Math.random().toString(36).slice(2);

  var dirty = false; // changes the server does not have yet
  var firstChangeAt = 0; // when the current run of unsaved changes began
  var timer = null;
  var retryTimer = null;
  var inFlight = false;
  // Saved elsewhere: stop autosaving until the page is reloaded. A form post refused as stale
  // comes back with the server's message already on the page.
  var conflict = !!form.querySelector("[data-conflict-server]");
  var leaving = false; // a deliberate reload or form post: no "unsaved" warning
  var pendingSubmitter = null; // a form post waiting for the save in flight

  form.classList.add("js-editor");

  // --- Collecting the form into the content JSON -------------------------------------------

  function newKey() {
    var bytes = new Uint8Array(6);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function fieldOf(scope, name) {
    return scope.querySelector("[data-field=" + name + "]");
  }

  function collect(assignKeys) {
    var content = { sections: {}, checklist: {}, commitments: [] };
    form.querySelectorAll("textarea[data-section]").forEach(function (area) {
      content.sections[area.getAttribute("data-section")] = area.value;
    });
    form.querySelectorAll("tr[data-cl-key]").forEach(function (row) {
      var key = row.getAttribute("data-cl-key");
      var code = row.getAttribute("data-cl-code");
      var checked = row.querySelector("input[data-field=answer]:checked");
      var note = fieldOf(row, "note");
      var answers = content.checklist[key] || (content.checklist[key] = {});
      answers[code] = { answer: checked ? checked.value : "", note: note ? note.value : "" };
    });
    form.querySelectorAll("[data-commitment]").forEach(function (row) {
      var entry = {
        key: fieldOf(row, "key").value,
        what: fieldOf(row, "what").value,
        due_on: fieldOf(row, "due_on").value,
        measure: fieldOf(row, "measure").value,
      };
      if (!(entry.what || entry.due_on || entry.measure)) return;
      if (!entry.key && assignKeys) {
        // A stable key, so that each save updates the same commitment.
        entry.key = fieldOf(row, "key").value = newKey();
      }
      content.commitments.push(entry);
    });
    return content;
  }

  // The server cleans text (NFC, spaces); compare copies the same way.
  function norm(text) {
    return String(text || "").normalize("NFC").replace(/\r\n?/g, "\n").split("\n").map(function (line) {
      return line.replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g, " ").trim();
    }).join("\n").trim();
  }

  function canonical(content) {
    var out = { sections: {}, checklist: {}, commitments: [] };
    Object.keys(content.sections || {}).sort().forEach(function (k) {
      var v = norm(content.sections[k]);
      if (v) out.sections[k] = v;
    });
    Object.keys(content.checklist || {}).sort().forEach(function (k) {
      Object.keys(content.checklist[k] || {}).sort().forEach(function (code) {
        var e = content.checklist[k][code] || {};
        if (e.answer || norm(e.note)) out.checklist[k + "\u0000" + code] = [e.answer || "", norm(e.note)];
      });
    });
    (content.commitments || []).forEach(function (c) {
      var row = [norm(c.what), c.due_on || "", norm(c.measure)];
      if (row.join("")) out.commitments.push(row);
    });
    return JSON.stringify(out);
  }

  // --- The copy kept in the browser ----------------------------------------------------------

  function readLocal() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function storeLocal(extra) {
    var entry = {
      version: parseInt(versionInput.value, 10) || 0,
      content: collect(false),
      proxy_reason: reasonInput ? reasonInput.value : "",
      tab: tabId,
      at: Date.now(),
      kept: null,
    };
    if (extra) Object.keys(extra).forEach(function (k) { entry[k] = extra[k]; });
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(entry));
    } catch (e) {
      /* storage full or disabled: the server copy and the form remain */
    }
  }

  function clearLocal() {
    var entry = readLocal();
    // Another tab's unsaved copy is not ours to drop.
    if (entry && entry.tab && entry.tab !== tabId) return;
    try {
      window.localStorage.removeItem(storageKey);
    } catch (e) {
      /* nothing to do */
    }
  }

  function dropLocal() {
    try {
      window.localStorage.removeItem(storageKey);
    } catch (e) {
      /* nothing to do */
    }
  }

  function putBack(content, reason) {
    var sections = content.sections || {};
    form.querySelectorAll("textarea[data-section]").forEach(function (area) {
      var key = area.getAttribute("data-section");
      if (Object.prototype.hasOwnProperty.call(sections, key)) area.value = sections[key];
    });
    form.querySelectorAll("tr[data-cl-key]").forEach(function (row) {
      var answers = (content.checklist || {})[row.getAttribute("data-cl-key")] || {};
      var entry = answers[row.getAttribute("data-cl-code")] || { answer: "", note: "" };
      row.querySelectorAll("input[data-field=answer]").forEach(function (radio) {
        radio.checked = radio.value === entry.answer;
      });
      var note = fieldOf(row, "note");
      if (note) note.value = entry.note || "";
    });
    var plan = form.querySelector("[data-plan]");
    if (plan) {
      var rows = plan.querySelectorAll("[data-commitment]");
      var wanted = content.commitments || [];
      while (plan.querySelectorAll("[data-commitment]").length < wanted.length + 1) addRow();
      rows = plan.querySelectorAll("[data-commitment]");
      rows.forEach(function (row, i) {
        var c = wanted[i] || { key: "", what: "", due_on: "", measure: "" };
        ["key", "what", "due_on", "measure"].forEach(function (name) {
          fieldOf(row, name).value = c[name] || "";
        });
      });
    }
    if (reasonInput && reason) reasonInput.value = reason;
    form.querySelectorAll("textarea[data-section]").forEach(updateCounter);
  }

  function showNotice(text) {
    if (!notice) return;
    notice.querySelector(".notice-text").textContent = text;
    notice.hidden = false;
  }

  function phrase(key) {
    var holder = document.getElementById("editor-strings");
    var node = holder && holder.content.querySelector("[data-key=" + key + "]");
    return node ? node.textContent.trim() : "";
  }

  // --- Status and messages -------------------------------------------------------------------

  function setStatus(state, time) {
    status.setAttribute("data-state", state);
    var text = status.getAttribute("data-" + (state === "conflict" ? "error" : state)) || "";
    status.textContent = text.replace("%(time)s", time || "");
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-slot]").forEach(function (slot) {
      slot.textContent = "";
      slot.hidden = true;
    });
  }

  function showErrors(errors, detail) {
    clearErrors();
    var slots = {};
    form.querySelectorAll("[data-error-slot]").forEach(function (slot) {
      slot.getAttribute("data-error-slot").split(" ").forEach(function (name) {
        if (name) slots[name] = slot;
      });
    });
    var general = slots.__all__;
    var any = false;
    Object.keys(errors || {}).forEach(function (name) {
      var slot = slots[name] || general;
      if (!slot) return;
      (errors[name] || []).forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message; // never innerHTML: messages may quote the writer's text
        slot.appendChild(li);
      });
      slot.hidden = false;
      any = true;
    });
    if (!any && detail && general) {
      var li = document.createElement("li");
      li.textContent = detail;
      general.appendChild(li);
      general.hidden = false;
    }
    var first = form.querySelector("[data-error-slot]:not([hidden])");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function showConflict(detail) {
    conflict = true;
    clearTimeout(timer);
    clearTimeout(retryTimer);
    setStatus("conflict");
    conflictBox.querySelector(".conflict-detail").textContent = detail || "";
    conflictBox.hidden = false;
    if (conflictBox.scrollIntoView) conflictBox.scrollIntoView({ block: "center" });
  }

  // --- Saving --------------------------------------------------------------------------------

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(payload) {
    return fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; }
      );
    });
  }

  // The page's other forms on this report (uploads, …) carry the version too: keep them current.
  function setVersion(version) {
    var base = form.getAttribute("data-report-url");
    document.querySelectorAll("form input[name=version]").forEach(function (input) {
      var action = input.form ? input.form.getAttribute("action") || "" : "";
      if (input === versionInput || (base && action.indexOf(base) === 0)) input.value = version;
    });
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, RETRY_MS);
  }

  function finish() {
    inFlight = false;
    if (pendingSubmitter) {
      var submitter = pendingSubmitter;
      pendingSubmitter = null;
      if (form.requestSubmit) form.requestSubmit(submitter);
      else submitter.click();
    }
  }

  function save() {
    clearTimeout(timer);
    if (conflict || !dirty || leaving) return;
    if (inFlight) return; // the change re-schedules a save once this one is back
    if (navigator.onLine === false) {
      setStatus("offline");
      scheduleRetry();
      return;
    }
    inFlight = true;
    dirty = false;
    firstChangeAt = 0;
    var payload = {
      content: collect(true),
      version: parseInt(versionInput.value, 10) || 0,
      proxy_reason: reasonInput ? reasonInput.value : "",
    };
    setStatus("saving");
    post(payload).then(function (result) {
      var data = result.data || {};
      if (result.status === 200) {
        setVersion(data.version);
        clearTimeout(retryTimer);
        clearErrors();
        if (dirty) {
          storeLocal(); // typed while saving: keep it against the new version
          schedule();
        } else {
          clearLocal();
        }
        setStatus("saved", data.saved_at);
      } else if (result.status === 409) {
        dirty = true;
        storeLocal({ kept: data.kept_revision || null });
        showConflict(data.detail);
      } else if (result.status >= 500 || result.status === 0) {
        dirty = true;
        setStatus("offline");
        scheduleRetry();
      } else {
        // 400 (refused content), 403 (logged out, no longer allowed), 404: the message says why.
        dirty = true;
        setStatus("error");
        showErrors(data.errors, data.detail);
      }
      finish();
    }, function () {
      // No answer at all: the connection is gone. The local copy holds the text.
      dirty = true;
      setStatus("offline");
      scheduleRetry();
      finish();
    });
  }

  function schedule() {
    if (conflict) return;
    if (!firstChangeAt) firstChangeAt = Date.now();
    var wait = Math.max(0, Math.min(DEBOUNCE_MS, firstChangeAt + MAX_WAIT_MS - Date.now()));
    clearTimeout(timer);
    timer = setTimeout(save, wait);
  }

  function changed() {
    dirty = true;
    storeLocal();
    if (conflict) return; // keep the local copy, but do not save over the other version
    if (navigator.onLine === false) {
      setStatus("offline");
      scheduleRetry();
      return;
    }
    schedule();
  }

  // --- Counters and commitment rows ----------------------------------------------------------

  function length(text) {
    return Array.from(norm(text)).length;
  }

  function updateCounter(area) {
    var counter = document.getElementById("count-" + area.getAttribute("data-section"));
    if (!counter) return;
    var n = length(area.value);
    var min = parseInt(area.getAttribute("data-min"), 10) || 0;
    var max = parseInt(area.getAttribute("data-max"), 10) || 0;
    counter.querySelector(".count").textContent = n.toLocaleString(document.documentElement.lang || undefined);
    counter.classList.toggle("too-short", n > 0 && n < min);
    counter.classList.toggle("too-long", max > 0 && n > max);
  }

  function nextIndex(plan) {
    var max = -1;
    plan.querySelectorAll("[data-field=key]").forEach(function (input) {
      var m = /^m-(\d+)-/.exec(input.name);
      if (m) max = Math.max(max, parseInt(m[1], 10));
    });
    return max + 1;
  }

  function addRow() {
    var plan = form.querySelector("[data-plan]");
    var rows = plan.querySelectorAll("[data-commitment]");
    var last = rows[rows.length - 1];
    var index = nextIndex(plan);
    var row = last.cloneNode(true);
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(/^m-\d+-/, "m-" + index + "-");
      if (input.id) input.id = input.id.replace(/^m-\d+-/, "m-" + index + "-");
      input.value = "";
    });
    row.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/^m-\d+-/, "m-" + index + "-");
    });
    plan.appendChild(row);
    return row;
  }

  function removeRow(row) {
    var plan = form.querySelector("[data-plan]");
    if (plan.querySelectorAll("[data-commitment]").length > 1) {
      row.parentNode.removeChild(row);
    } else {
      row.querySelectorAll("[name]").forEach(function (input) { input.value = ""; });
    }
    changed();
  }

  // --- Wiring --------------------------------------------------------------------------------

  form.querySelectorAll("[data-remove-commitment], [data-add-commitment]").forEach(function (b) {
    b.hidden = false;
  });
  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-add-commitment]")) {
      var row = addRow();
      var what = fieldOf(row, "what");
      if (what) what.focus();
    } else if (target.closest("[data-remove-commitment]")) {
      removeRow(target.closest("[data-commitment]"));
    } else if (target.closest("[data-reload]")) {
      leaving = true;
      window.location.reload();
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-section]")) updateCounter(event.target);
    changed();
  });
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=radio], input[type=date]")) changed();
  });

  form.addEventListener("submit", function (event) {
    if (inFlight) {
      // Post once the autosave in flight is back, with the version it returns.
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    clearTimeout(timer);
    clearTimeout(retryTimer);
    collect(true);
    // The post carries the fields; a copy stays here only for what no autosave has sent yet.
    if (dirty) storeLocal();
    else clearLocal();
    leaving = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !(dirty || inFlight)) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
  window.addEventListener("pageshow", function () {
    leaving = false;
  });

  window.addEventListener("offline", function () {
    if (dirty || inFlight) setStatus("offline");
  });
  window.addEventListener("online", function () {
    if (dirty && !conflict) save();
  });

  // --- On load: a copy this browser kept and the server does not have ------------------------

  (function restoreLocal() {
    var entry = readLocal();
    if (!entry || !entry.content) return;
    var current = parseInt(versionInput.value, 10) || 0;
    var onPage = canonical(collect(false));
    if (canonical(entry.content) === onPage) {
      dropLocal();
      return;
    }
    if (entry.version === current) {
      putBack(entry.content, entry.proxy_reason);
      showNotice(phrase("restored"));
      dirty = true;
      storeLocal();
      save();
      return;
    }
    if (entry.kept) {
      // The server already holds this text as a conflict revision.
      dropLocal();
      showNotice(phrase("kept"));
      return;
    }
    // Based on an older version: send it as it was, so that the server keeps it as a separate
    // revision (409) rather than writing over the newer text.
    post({ content: entry.content, version: entry.version, proxy_reason: entry.proxy_reason || "" })
      .then(function (result) {
        if (result.status === 409 || result.status === 200) {
          dropLocal();
          showNotice(phrase("kept"));
        }
      }, function () { /* offline: try again on the next load */ });
  })();

  form.querySelectorAll("textarea[data-section]").forEach(updateCounter);
  if (conflict) setStatus("conflict");
})();
