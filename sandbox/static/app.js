// The sandbox page: renders the Block Kit the bot sends and reports what people do, the way Slack's
// client would. All Slack text goes into the DOM as text nodes (never innerHTML); mrkdwn is parsed
// into elements here. The server turns each report into Slack's signed request to the bot.
"use strict";

(() => {
  const POLL_FAST_MS = 350;
  const POLL_SLOW_MS = 1500;
  const FAST_WINDOW_MS = 10000;
  const SUGGEST_DELAY_MS = 200;
  const LIST_MAX_PX = 260; // a floating list of options at its tallest
  const LIST_MIN_PX = 80;
  const DEFAULT_USER = "U0KKRESP01";

  const app = {
    user: null,
    etag: "",
    state: null,
    active: "dm", // the pane shown on a phone: dm | home | admin
    left: "dm", // the pane beside the admin channel on a desktop: dm | home
    lastActivity: Date.now(),
    scopes: new Map(), // message or view → {sig, values: Map(key → {block_id, action_id, value})}
    viewErrors: {}, // view id → {block_id: message}
    pollTimer: null,
    polling: false,
    pollAgain: false,
    peopleShown: "",
  };

  const $ = (id) => document.getElementById(id);

  // --- DOM helpers ---------------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // --- text: plain_text and a minimal mrkdwn ---------------------------------------------------------

  const EMOJI = {
    white_check_mark: "✅", heavy_check_mark: "✔️", ballot_box_with_check: "☑️", warning: "⚠️",
    x: "❌", exclamation: "❗", question: "❓", memo: "📝", pencil: "📝", pencil2: "✏️", bell: "🔔",
    calendar: "📅", date: "📅", spiral_calendar_pad: "🗓️", clipboard: "📋", lock: "🔒",
    information_source: "ℹ️", hourglass: "⌛", hourglass_flowing_sand: "⏳", alarm_clock: "⏰",
    tada: "🎉", pray: "🙏", wave: "👋", point_right: "👉", email: "📧", envelope: "✉️",
    page_facing_up: "📄", bar_chart: "📊", inbox_tray: "📥", outbox_tray: "📤", mag: "🔍",
    arrow_right: "➡️", arrows_counterclockwise: "🔄", speech_balloon: "💬", office: "🏢",
    bust_in_silhouette: "👤", busts_in_silhouette: "👥", rotating_light: "🚨", red_circle: "🔴",
    large_blue_circle: "🔵", small_blue_diamond: "🔹", black_small_square: "▪️", eyes: "👀",
  };

  const decode = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const emojify = (text) => text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all);

  const INLINE = new RegExp(
    [
      "`([^`\\n]+)`", // 1 code
      "<([^<>\\n]+)>", // 2 link, mention
      "(?<![A-Za-z0-9])\\*([^*\\n]+?)\\*(?![A-Za-z0-9])", // 3 bold
      "(?<![A-Za-z0-9])_([^_\\n]+?)_(?![A-Za-z0-9])", // 4 italic
      "(?<![A-Za-z0-9])~([^~\\n]+?)~(?![A-Za-z0-9])", // 5 strike
    ].join("|"),
    "g",
  );

  function inline(text, parent) {
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) parent.append(emojify(decode(text.slice(last, match.index))));
      const [, code, link, bold, italic, strike] = match;
      if (code !== undefined) parent.append(h("code", {}, decode(code)));
      else if (link !== undefined) parent.append(linkNode(link));
      else if (bold !== undefined) inline(bold, parent.appendChild(h("strong")));
      else if (italic !== undefined) inline(italic, parent.appendChild(h("em")));
      else if (strike !== undefined) inline(strike, parent.appendChild(h("s")));
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.append(emojify(decode(text.slice(last))));
  }

  function linkNode(inner) {
    const bar = inner.indexOf("|");
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? "" : inner.slice(bar + 1);
    if (target.startsWith("@")) {
      const person = (app.state?.people || []).find((p) => p.id === target.slice(1));
      return h("span", { class: "mention" }, "@" + (person ? person.name : decode(label || target.slice(1))));
    }
    if (target.startsWith("#")) return h("span", { class: "mention" }, "#" + decode(label || target.slice(1)));
    if (target.startsWith("!")) return h("span", { class: "mention" }, "@" + decode(target.slice(1)));
    const url = decode(target);
    if (/^(https?:|mailto:)/i.test(url)) {
      return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, decode(label || target));
    }
    return document.createTextNode(decode(label || target));
  }

  function mrkdwn(text) {
    const out = h("span", { class: "mrkdwn" });
    const parts = String(text || "").split(/```([\s\S]*?)```/);
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        out.append(h("pre", {}, decode(part)));
        return;
      }
      part.split("\n").forEach((line, number) => {
        if (number > 0) out.append(h("br"));
        const quote = line.match(/^(?:&gt;|>)\s?(.*)$/);
        if (quote) inline(quote[1], out.appendChild(h("span", { class: "quote" })));
        else inline(line, out);
      });
    });
    return out;
  }

  function textOf(object) {
    if (!object) return "";
    if (object.type === "mrkdwn") return mrkdwn(object.text);
    return h("span", {}, object.emoji === false ? object.text : emojify(object.text || ""));
  }

  const plainOf = (object) => (object ? String(object.text || "") : "");

  // --- element values (what Slack keeps as state.values) ----------------------------------------------

  function scopeOf(key, sig) {
    let scope = app.scopes.get(key);
    if (!scope || scope.sig !== sig) {
      scope = { sig, values: new Map() }; // a re-rendered message starts from its initial values
      app.scopes.set(key, scope);
    }
    return scope;
  }

  const valueKey = (blockId, actionId) => blockId + "\u0001" + actionId;

  function setValue(ctx, blockId, actionId, value) {
    ctx.scope.values.set(valueKey(blockId, actionId), { block_id: blockId, action_id: actionId, value });
  }

  function currentValue(ctx, blockId, element) {
    const local = ctx.scope.values.get(valueKey(blockId, element.action_id));
    if (local) return local.value;
    switch (element.type) {
      case "plain_text_input": return element.initial_value || "";
      case "static_select": case "radio_buttons": return element.initial_option?.value ?? null;
      case "external_select": return element.initial_option || null;
      case "checkboxes": case "multi_static_select": return (element.initial_options || []).map((o) => o.value);
      case "multi_external_select": return element.initial_options || [];
      case "datepicker": return element.initial_date || null;
      case "timepicker": return element.initial_time || null;
      default: return null;
    }
  }

  const valuesOf = (ctx) => Array.from(ctx.scope.values.values());

  // In actions and section blocks every element reports at once; in an input block only with dispatch_action.
  const dispatches = (block) => block.type !== "input" || block.dispatch_action === true;

  async function act(ctx, block, element, value) {
    setValue(ctx, block.block_id, element.action_id, value);
    if (!ctx.interactive || !dispatches(block)) return;
    await post("/api/interact", {
      type: "block_actions",
      container: ctx.container,
      block_id: block.block_id,
      action_id: element.action_id,
      value,
      values: valuesOf(ctx),
    });
  }

  // --- Block Kit ---------------------------------------------------------------------------------------

  function renderBlocks(blocks, ctx) {
    const wrap = h("div", { class: "blocks" });
    for (const block of blocks || []) wrap.append(renderBlock(block, ctx));
    return wrap;
  }

  function renderBlock(block, ctx) {
    const node = h("div", { class: "block block-" + block.type, dataset: { blockId: block.block_id || "" } });
    switch (block.type) {
      case "header":
        node.append(h("h3", { class: "header" }, textOf(block.text)));
        break;
      case "section": {
        const main = h("div", { class: "section-main" });
        if (block.text) main.append(h("div", { class: "section-text" }, textOf(block.text)));
        if (block.fields) {
          main.append(h("div", { class: "fields" }, block.fields.map((field) => h("div", { class: "field" }, textOf(field)))));
        }
        node.append(main);
        if (block.accessory) node.append(h("div", { class: "accessory" }, renderElement(block.accessory, block, ctx)));
        break;
      }
      case "context":
        for (const element of block.elements || []) {
          node.append(element.type === "image" ? h("span", { class: "image-alt" }, "[画像] " + (element.alt_text || "")) : h("span", {}, textOf(element)));
        }
        break;
      case "divider":
        node.append(h("hr"));
        break;
      case "actions":
        for (const element of block.elements || []) node.append(renderElement(element, block, ctx));
        break;
      case "input": {
        const label = h("label", { class: "input-label" }, plainOf(block.label), block.optional ? h("span", { class: "optional" }, "(任意)") : null);
        node.append(label, renderElement(block.element, block, ctx));
        if (block.hint) node.append(h("div", { class: "hint" }, textOf(block.hint)));
        node.append(h("div", { class: "block-error", role: "alert", hidden: true }));
        break;
      }
      case "image":
        node.append(h("div", { class: "image-alt" }, "[画像] " + (block.alt_text || "")));
        break;
      case "rich_text":
        node.append(h("div", {}, richText(block)));
        break;
      default:
        node.append(h("div", { class: "unsupported" }, `(このブロックは表示できません: ${block.type})`));
    }
    return node;
  }

  function richText(block) {
    const texts = [];
    const walk = (items) => (items || []).forEach((item) => (item.text !== undefined ? texts.push(item.text) : walk(item.elements)));
    walk(block.elements);
    return texts.join("");
  }

  function renderElement(element, block, ctx) {
    const disabled = !ctx.interactive;
    switch (element.type) {
      case "button": return buttonElement(element, block, ctx, disabled);
      case "radio_buttons": return choiceElement(element, block, ctx, disabled, "radio");
      case "checkboxes": return choiceElement(element, block, ctx, disabled, "checkbox");
      case "static_select": return staticSelect(element, block, ctx, disabled);
      case "multi_static_select": return multiStaticSelect(element, block, ctx, disabled);
      case "external_select": return externalSelect(element, block, ctx, disabled, false);
      case "multi_external_select": return externalSelect(element, block, ctx, disabled, true);
      case "datepicker": return pickerElement(element, block, ctx, disabled, "date");
      case "timepicker": return pickerElement(element, block, ctx, disabled, "time");
      case "plain_text_input": return textInput(element, block, ctx, disabled);
      case "overflow": return overflowElement(element, block, ctx, disabled);
      case "image": return h("span", { class: "image-alt" }, "[画像] " + (element.alt_text || ""));
      default: return h("span", { class: "unsupported" }, `(この要素は表示できません: ${element.type})`);
    }
  }

  const elementData = (element) => ({ actionId: element.action_id || "", type: element.type });

  function buttonElement(element, block, ctx, disabled) {
    const style = element.style === "primary" ? "primary" : element.style === "danger" ? "danger" : "secondary";
    return h("button", {
      type: "button",
      class: "bk-button " + style,
      disabled,
      dataset: elementData(element),
      onclick: async () => {
        if (element.confirm && !(await confirmDialog(element.confirm))) return;
        if (element.url && /^https?:/i.test(element.url)) window.open(element.url, "_blank", "noopener");
        await act(ctx, block, element, null);
      },
    }, textOf(element.text));
  }

  function choiceElement(element, block, ctx, disabled, kind) {
    const name = `${ctx.key}|${block.block_id}|${element.action_id}`;
    const initial = currentValue(ctx, block.block_id, element);
    const group = h("div", { class: "choices", role: kind === "radio" ? "radiogroup" : "group", dataset: elementData(element) });
    for (const option of element.options || []) {
      const checked = kind === "radio" ? initial === option.value : (initial || []).includes(option.value);
      const input = h("input", { type: kind, name, value: option.value, disabled, checked });
      input.addEventListener("change", () => {
        if (kind === "radio") {
          act(ctx, block, element, option.value);
        } else {
          const ticked = Array.from(group.querySelectorAll("input:checked")).map((box) => box.value);
          act(ctx, block, element, ticked);
        }
      });
      group.append(h("label", { class: "choice" }, input, h("span", { class: "choice-text" }, textOf(option.text),
        option.description ? h("small", { class: "choice-description" }, textOf(option.description)) : null)));
    }
    return group;
  }

  function optionsOf(element) {
    if (element.option_groups) return element.option_groups.flatMap((group) => group.options || []);
    return element.options || [];
  }

  function staticSelect(element, block, ctx, disabled) {
    const initial = currentValue(ctx, block.block_id, element);
    const select = h("select", { class: "bk-select", disabled, dataset: elementData(element), "aria-label": plainOf(element.placeholder) || "選択" });
    select.append(h("option", { value: "", disabled: true, selected: initial === null, hidden: true }, plainOf(element.placeholder) || "選択してください"));
    const addOption = (parent, option) => parent.append(h("option", { value: option.value, selected: option.value === initial }, plainOf(option.text)));
    if (element.option_groups) {
      for (const group of element.option_groups) {
        const optgroup = h("optgroup", { label: plainOf(group.label) });
        (group.options || []).forEach((option) => addOption(optgroup, option));
        select.append(optgroup);
      }
    } else {
      (element.options || []).forEach((option) => addOption(select, option));
    }
    select.addEventListener("change", () => act(ctx, block, element, select.value));
    return select;
  }

  function multiStaticSelect(element, block, ctx, disabled) {
    const chosen = new Set(currentValue(ctx, block.block_id, element));
    const summary = h("summary", {});
    const details = h("details", { class: "multi-select", dataset: elementData(element) }, summary);
    const describe = () => {
      const labels = optionsOf(element).filter((o) => chosen.has(o.value)).map((o) => plainOf(o.text));
      summary.textContent = labels.length ? labels.join("、") : plainOf(element.placeholder) || "選択してください";
    };
    const list = h("div", { class: "choices" });
    for (const option of optionsOf(element)) {
      const box = h("input", { type: "checkbox", value: option.value, disabled, checked: chosen.has(option.value) });
      box.addEventListener("change", () => {
        if (box.checked) chosen.add(option.value);
        else chosen.delete(option.value);
        describe();
        act(ctx, block, element, optionsOf(element).map((o) => o.value).filter((v) => chosen.has(v)));
      });
      list.append(h("label", { class: "choice" }, box, h("span", { class: "choice-text" }, plainOf(option.text))));
    }
    details.append(list);
    describe();
    return details;
  }

  // A date or time picker. Slack's pickers only ever report a whole value: a date chosen in the
  // calendar (or the phone's own picker) goes at once, but one typed field by field is reported only
  // when the person confirms it (Enter, or leaving the field), and only if it is complete and
  // plausible. Otherwise typing 08/15/2025 would report 0002-08-15 at the first digit of the year.
  function pickerElement(element, block, ctx, disabled, kind) {
    const initial = currentValue(ctx, block.block_id, element) || "";
    const input = h("input", {
      type: kind,
      class: "bk-picker",
      disabled,
      value: initial,
      "aria-label": plainOf(element.placeholder) || (kind === "date" ? "日付" : "時刻"),
      dataset: elementData(element),
    });
    const hint = h("span", { class: "picker-hint", "aria-live": "polite", hidden: true });
    let sent = kind === "time" ? initial.slice(0, 5) : initial;
    let typing = false; // the value is being edited with the keyboard
    const complete = () => {
      const value = kind === "time" ? input.value.slice(0, 5) : input.value;
      return wholeValue(kind, value) ? value : null;
    };
    const say = (text, problem = false) => {
      hint.textContent = text;
      hint.hidden = !text;
      hint.classList.toggle("problem", problem);
    };
    const commit = () => {
      const value = complete();
      if (value === null) {
        // Nothing to report yet; say so only if something half-typed would otherwise be lost.
        say(input.value || input.validity.badInput ? (kind === "date" ? "日付を年(4桁)・月・日まで入力してください。" : "時刻を最後まで入力してください。") : "", true);
        return;
      }
      typing = false;
      say("");
      if (value === sent) return;
      sent = value;
      act(ctx, block, element, value);
    };
    input.addEventListener("pointerdown", () => { typing = false; }); // the calendar, not the keyboard
    input.addEventListener("keydown", (event) => {
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === "Enter") {
        event.preventDefault();
        commit();
      } else if (event.key !== "Tab" && event.key !== "Shift" && event.key !== "Escape") {
        typing = true;
      }
    });
    input.addEventListener("change", () => {
      if (!typing || !dispatches(block)) commit(); // a modal's input only keeps the value until 送信
      else if (complete() !== null && complete() !== sent) say("Enter キーを押すか、欄の外に移ると確定します。");
    });
    input.addEventListener("blur", commit); // nothing is sent twice: an unchanged value is not reported
    return h("span", { class: "picker" }, input, hint);
  }

  // What Slack's pickers send: a whole YYYY-MM-DD (from 1900 on) or HH:mm.
  function wholeValue(kind, value) {
    if (kind === "time") return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
    const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return Boolean(found) && Number(found[1]) >= 1900;
  }

  function textInput(element, block, ctx, disabled) {
    const attrs = {
      class: "bk-text",
      disabled,
      placeholder: plainOf(element.placeholder),
      maxlength: element.max_length || null,
      "aria-label": plainOf(block.label) || plainOf(element.placeholder) || "入力",
      dataset: elementData(element),
    };
    const input = element.multiline ? h("textarea", { ...attrs, rows: 5 }) : h("input", { ...attrs, type: "text", enterkeyhint: "send" });
    input.value = currentValue(ctx, block.block_id, element) || "";
    input.addEventListener("input", () => setValue(ctx, block.block_id, element.action_id, input.value));
    input.addEventListener("keydown", (event) => {
      // Enter that confirms a Japanese IME conversion is not a submission.
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229 || element.multiline) return;
      event.preventDefault();
      if (dispatches(block)) act(ctx, block, element, input.value);
    });
    return input;
  }

  function overflowElement(element, block, ctx, disabled) {
    const menu = h("div", { class: "menu", role: "menu", hidden: true });
    const toggle = h("button", { type: "button", class: "bk-button secondary overflow", disabled, "aria-label": "その他", dataset: elementData(element) }, "⋯");
    toggle.addEventListener("click", () => { menu.hidden = !menu.hidden; });
    for (const option of element.options || []) {
      menu.append(h("button", {
        type: "button",
        role: "menuitem",
        onclick: async () => {
          menu.hidden = true;
          if (element.confirm && !(await confirmDialog(element.confirm))) return;
          await act(ctx, block, element, option.value);
        },
      }, plainOf(option.text)));
    }
    return h("span", { class: "overflow-wrap" }, toggle, menu);
  }

  // An external select: what is typed goes to the app as block_suggestion; its options are listed.
  function externalSelect(element, block, ctx, disabled, multi) {
    let selected = currentValue(ctx, block.block_id, element);
    const minLength = element.min_query_length ?? 3;
    const listId = `list-${Math.random().toString(36).slice(2)}`;
    const input = h("input", {
      type: "text",
      class: "bk-text combo-input",
      role: "combobox",
      disabled,
      "aria-expanded": "false",
      "aria-autocomplete": "list",
      "aria-controls": listId,
      placeholder: plainOf(element.placeholder) || "検索",
      dataset: elementData(element),
    });
    const list = h("ul", { class: "combo-list", role: "listbox", id: listId, hidden: true });
    const chips = h("div", { class: "chips" });
    let timer = null;
    let asked = 0;
    let highlighted = -1;

    const label = (option) => plainOf(option?.text);
    const showSelected = () => {
      if (multi) {
        chips.replaceChildren(...selected.map((option) => h("span", { class: "chip selected" }, label(option),
          h("button", { type: "button", class: "chip-remove", "aria-label": label(option) + " を外す", disabled, onclick: () => {
            selected = selected.filter((o) => o.value !== option.value);
            showSelected();
            act(ctx, block, element, selected);
          } }, "×"))));
        input.value = "";
      } else {
        input.value = label(selected);
      }
    };
    // The list floats over the page (position: fixed), below the box or, when there is more room
    // there, above it: at the bottom of a phone's timeline, below would be under the message box.
    const follow = (event) => {
      if (event?.target === list) return; // the list's own scrolling
      if (!list.isConnected) stopFollowing();
      else place(list, input);
    };
    const stopFollowing = () => {
      document.removeEventListener("scroll", follow, true);
      window.removeEventListener("resize", follow);
      window.visualViewport?.removeEventListener("resize", follow);
    };
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlighted = -1;
      stopFollowing();
    };
    const choose = (option) => {
      close();
      if (multi) {
        if (!selected.some((o) => o.value === option.value)) selected = [...selected, option];
        showSelected();
        act(ctx, block, element, selected);
      } else {
        selected = option;
        showSelected();
        act(ctx, block, element, option);
      }
    };
    const show = (items, note) => {
      list.replaceChildren();
      if (note) list.append(h("li", { class: "combo-note" }, note));
      items.forEach((item, index) => {
        if (item.group) {
          list.append(h("li", { class: "combo-group", role: "presentation" }, item.group));
          return;
        }
        list.append(h("li", {
          role: "option",
          id: `${listId}-${index}`,
          "aria-selected": "false",
          onmousedown: (event) => event.preventDefault(), // keep focus in the input until the click
          onclick: () => choose(item.option),
        }, label(item.option)));
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      place(list, input);
      document.addEventListener("scroll", follow, true);
      window.addEventListener("resize", follow);
      window.visualViewport?.addEventListener("resize", follow);
    };
    const ask = async (typed) => {
      if (typed.length < minLength) {
        show([], `あと ${minLength - typed.length} 文字入力してください`);
        return;
      }
      const mine = ++asked;
      const answer = await post("/api/interact", {
        type: "block_suggestion",
        container: ctx.container,
        block_id: block.block_id,
        action_id: element.action_id,
        value: typed,
      }, { quiet: true });
      if (mine !== asked || document.activeElement !== input) return; // a newer query, or gone
      const items = [];
      for (const option of answer?.options || []) items.push({ option });
      for (const group of answer?.option_groups || []) {
        items.push({ group: plainOf(group.label) });
        for (const option of group.options || []) items.push({ option });
      }
      show(items, items.length ? "" : (answer?.ok === false ? answer.error : "該当するものがありません"));
    };
    const move = (step) => {
      const options = Array.from(list.querySelectorAll('[role="option"]'));
      if (!options.length) return;
      highlighted = (highlighted + step + options.length) % options.length;
      options.forEach((node, index) => node.setAttribute("aria-selected", String(index === highlighted)));
      input.setAttribute("aria-activedescendant", options[highlighted].id);
      options[highlighted].scrollIntoView({ block: "nearest" });
    };

    input.addEventListener("focus", () => {
      input.select();
      ask("");
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => ask(input.value.trim()), SUGGEST_DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") close();
      else if (event.key === "Enter") {
        event.preventDefault();
        const node = list.querySelectorAll('[role="option"]')[highlighted];
        if (node) node.click();
      }
    });
    input.addEventListener("blur", () => {
      setTimeout(() => {
        close();
        showSelected();
      }, 150);
    });
    showSelected();
    return h("div", { class: "combo", dataset: elementData(element) }, multi ? chips : null, input, list);
  }

  // Put a floating list (position: fixed) against `anchor`: below it if it fits in what can be seen of
  // the page, otherwise on whichever side has more room, never taller than that room.
  function place(list, anchor) {
    const box = anchor.getBoundingClientRect();
    const view = window.visualViewport;
    const top = view ? view.offsetTop : 0;
    const bottom = top + (view ? view.height : document.documentElement.clientHeight);
    const gap = 2;
    const margin = 8;
    const below = bottom - box.bottom - gap - margin;
    const above = box.top - top - gap - margin;
    const wanted = Math.min(list.scrollHeight, LIST_MAX_PX);
    const up = below < wanted && above > below;
    list.style.left = `${Math.max(box.left, 0)}px`;
    list.style.width = `${box.width}px`;
    list.style.maxHeight = `${Math.max(Math.min(up ? above : below, LIST_MAX_PX), LIST_MIN_PX)}px`;
    list.style.top = up ? `${box.top - gap - list.offsetHeight}px` : `${box.bottom + gap}px`;
    list.classList.toggle("up", up);
  }

  // --- dialogs -------------------------------------------------------------------------------------

  function confirmDialog(confirm) {
    return new Promise((resolve) => {
      const layer = $("confirm-layer");
      const finish = (answer) => {
        layer.hidden = true;
        layer.replaceChildren();
        resolve(answer);
      };
      const yes = h("button", { type: "button", class: "bk-button " + (confirm.style === "danger" ? "danger" : "primary"), onclick: () => finish(true) },
        plainOf(confirm.confirm) || "はい");
      const no = h("button", { type: "button", class: "bk-button secondary", onclick: () => finish(false) }, plainOf(confirm.deny) || "キャンセル");
      layer.replaceChildren(h("div", { class: "dialog", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-title" },
        h("h3", { id: "confirm-title" }, plainOf(confirm.title) || "確認"),
        h("div", { class: "dialog-text" }, textOf(confirm.text)),
        h("div", { class: "dialog-buttons" }, no, yes)));
      layer.hidden = false;
      yes.focus();
    });
  }

  function renderModal(view) {
    const layer = $("modal-layer");
    if (!view) {
      if (!layer.hidden) {
        layer.hidden = true;
        layer.replaceChildren();
        layer.kkSig = "";
      }
      return;
    }
    const sig = JSON.stringify(view);
    if (layer.kkSig !== sig) {
      const ctx = viewContext(view, true);
      const body = renderBlocks(view.blocks, ctx);
      const submit = view.submit ? h("button", { type: "button", class: "bk-button primary", onclick: () => submitView(view, ctx, body) }, plainOf(view.submit)) : null;
      const closeView = () => post("/api/interact", { type: "view_closed", view_id: view.id });
      layer.replaceChildren(h("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", dataset: { viewId: view.id } },
        h("div", { class: "modal-head" }, h("h3", { id: "modal-title" }, plainOf(view.title)),
          h("button", { type: "button", class: "modal-x", "aria-label": "閉じる", onclick: closeView }, "×")),
        h("div", { class: "modal-body" }, body),
        h("div", { class: "modal-foot" }, h("button", { type: "button", class: "bk-button secondary", onclick: closeView }, plainOf(view.close) || "キャンセル"), submit)));
      layer.kkSig = sig;
      layer.hidden = false;
      const first = layer.querySelector("textarea, input, select");
      if (first) first.focus();
    }
    showViewErrors(layer, app.viewErrors[view.id] || {});
  }

  function showViewErrors(root, errors) {
    for (const slot of root.querySelectorAll(".block-error")) {
      const blockId = slot.closest("[data-block-id]")?.dataset.blockId || "";
      const message = errors[blockId];
      slot.textContent = message || "";
      slot.hidden = !message;
    }
  }

  async function submitView(view, ctx, body) {
    const missing = {};
    for (const block of view.blocks) {
      if (block.type !== "input" || block.optional || !block.element) continue;
      const value = currentValue(ctx, block.block_id, block.element);
      if (value === null || value === "" || (Array.isArray(value) && !value.length)) missing[block.block_id] = "このフィールドは必須です。";
    }
    if (Object.keys(missing).length) { // Slack checks required inputs before the app sees anything
      app.viewErrors[view.id] = missing;
      showViewErrors(body, missing);
      return;
    }
    const answer = await post("/api/interact", { type: "view_submission", view_id: view.id, values: valuesOf(ctx) });
    app.viewErrors[view.id] = answer?.view_errors || {};
    showViewErrors(body, app.viewErrors[view.id]);
  }

  function viewContext(view, interactive) {
    const key = "v:" + view.id;
    return { key, scope: scopeOf(key, JSON.stringify(view)), container: { type: "view", view_id: view.id }, interactive };
  }

  // --- timelines -----------------------------------------------------------------------------------

  function renderTimeline(container, messages, interactive) {
    const existing = new Map(Array.from(container.children).filter((n) => n.dataset.ts).map((n) => [n.dataset.ts, n]));
    let changed = false;
    messages.forEach((message, index) => {
      const sig = JSON.stringify(message) + (interactive ? "1" : "0");
      let node = existing.get(message.ts);
      if (!node || node.kkSig !== sig) {
        const fresh = renderMessage(message, interactive, sig);
        if (node) node.replaceWith(fresh);
        node = fresh;
        changed = true;
      }
      existing.delete(message.ts);
      if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
    });
    for (const stale of existing.values()) stale.remove();
    if (!messages.length && !container.querySelector(".empty")) {
      container.replaceChildren(h("p", { class: "empty" }, "まだメッセージはありません。"));
    } else if (messages.length) {
      container.querySelector(".empty")?.remove();
    }
    if (changed) followLatest(container);
  }

  // A timeline shows its latest message, as Slack does, unless the person has scrolled up to read.
  // Whether they have is known only while it is on screen: a pane hidden on a phone (or the DM behind
  // the Home tab) has no height, so it is scrolled when it is shown (showPane).
  function followLatest(container) {
    if (container.kkReading || !container.clientHeight) return;
    container.scrollTop = container.scrollHeight;
  }

  function watchScrolling(container) {
    container.addEventListener("scroll", () => {
      if (!container.clientHeight) return;
      container.kkReading = container.scrollHeight - container.scrollTop - container.clientHeight >= 80;
    });
  }

  function renderMessage(message, interactive, sig) {
    const key = `m:${message.channel}:${message.ts}`;
    const ctx = {
      key,
      scope: scopeOf(key, sig),
      container: { type: "message", channel: message.channel, ts: message.ts },
      interactive,
    };
    const initial = message.from_app ? "K" : message.author.slice(0, 1);
    const files = message.files || [];
    // An upload's message text is its initial_comment, which may be empty.
    const content = message.blocks ? renderBlocks(message.blocks, ctx)
      : message.text || !files.length ? h("div", { class: "msg-text" }, mrkdwn(message.text)) : null;
    const article = h("article", {
      class: "msg" + (message.ephemeral ? " ephemeral" : "") + (message.from_app ? " from-app" : " from-person"),
      dataset: { ts: message.ts, channel: message.channel },
    },
    h("div", { class: "avatar", "aria-hidden": "true" }, initial),
    h("div", { class: "msg-main" },
      h("div", { class: "msg-head" }, h("span", { class: "author" }, message.author),
        message.from_app ? h("span", { class: "app-badge" }, "アプリ") : null,
        h("time", {}, message.time), message.edited ? h("span", { class: "edited" }, "(編集済み)") : null),
      message.ephemeral ? h("div", { class: "ephemeral-note" }, "あなただけに表示されています") : null,
      content,
      files.length ? h("div", { class: "files" }, files.map(renderFile)) : null));
    article.kkSig = sig; // what it was rendered from, to skip unchanged messages on the next poll
    return article;
  }

  // --- files: an image in place (tap for full size), anything else as a card with a download link ----

  function renderFile(file) {
    if (file.image) {
      const img = h("img", { src: file.url, alt: file.alt, width: file.width, height: file.height });
      // The room is kept from the file's pixel size; if it was not known, keep showing the latest.
      img.addEventListener("load", () => {
        const timeline = img.closest(".timeline");
        if (timeline) followLatest(timeline);
      });
      return h("figure", { class: "file-image", dataset: { fileId: file.id } },
        h("figcaption", { class: "file-image-title" }, file.title),
        h("a", {
          href: file.url,
          target: "_blank",
          rel: "noopener",
          title: "クリックすると元のサイズで表示します",
          onclick: (event) => {
            if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab, as asked
            event.preventDefault();
            openImage(file, event.currentTarget);
          },
        }, img));
    }
    const ext = (file.filetype || "").slice(0, 4).toUpperCase() || "FILE";
    return h("div", { class: "file-card", dataset: { fileId: file.id } },
      h("span", { class: "file-icon file-icon-" + (file.filetype || "other"), "aria-hidden": "true" }, ext),
      h("div", { class: "file-about" },
        h("div", { class: "file-title" }, file.title),
        h("div", { class: "file-meta" }, file.name !== file.title ? `${file.name}・` : "", `${file.kind}・${file.size}`)),
      h("a", { class: "bk-button secondary file-download", href: file.download_url, download: file.name, "aria-label": `${file.name} をダウンロード` },
        "ダウンロード"));
  }

  function openImage(file, opener) {
    const layer = $("image-layer");
    const close = () => {
      layer.hidden = true;
      layer.replaceChildren();
      document.removeEventListener("keydown", onKey);
      opener?.focus();
    };
    const onKey = (event) => { if (event.key === "Escape") close(); };
    const closeButton = h("button", { type: "button", class: "modal-x", "aria-label": "閉じる", onclick: close }, "×");
    layer.replaceChildren(h("div", { class: "lightbox", role: "dialog", "aria-modal": "true", "aria-labelledby": "image-title" },
      h("div", { class: "lightbox-head" },
        h("h3", { id: "image-title" }, file.title),
        h("a", { class: "bk-button secondary file-download", href: file.download_url, download: file.name }, "ダウンロード"),
        closeButton),
      h("div", { class: "lightbox-body" }, h("img", { src: file.url, alt: file.alt, width: file.width, height: file.height }))));
    layer.onclick = (event) => { if (event.target === layer) close(); }; // outside the image: close
    document.addEventListener("keydown", onKey);
    layer.hidden = false;
    closeButton.focus();
  }

  function renderHome(view) {
    const root = $("home-view");
    if (!view) {
      if (root.kkSig !== "none") {
        root.replaceChildren(h("p", { class: "empty" }, "ホームタブはまだ表示されていません。ボットがホームを公開すると、ここに表示されます。"));
        root.kkSig = "none";
      }
      return;
    }
    const sig = JSON.stringify(view);
    if (root.kkSig === sig) return;
    root.replaceChildren(renderBlocks(view.blocks, viewContext(view, true)));
    root.kkSig = sig;
  }

  // --- the whole page ----------------------------------------------------------------------------------

  function render(state) {
    app.state = state;
    const peopleSig = JSON.stringify(state.people);
    if (app.peopleShown !== peopleSig) {
      $("person").replaceChildren(...state.people.map((p) => h("option", { value: p.id }, `${p.name}(${p.role})`)));
      app.peopleShown = peopleSig;
    }
    $("person").value = app.user;
    $("clock-now").textContent = state.clock.label;
    $("clock-offset").textContent = state.clock.offset;
    $("dm-name").textContent = state.app_name;
    $("admin-name").textContent = state.admin.name;
    $("admin-note").textContent = state.admin.member
      ? "非公開チャンネルです。あなたは管理者としてメンバーです。"
      : "非公開チャンネルです。実際の Slack では管理者だけが見られます(サンドボックスでは確認用に表示)。操作するには管理者に切り替えてください。";
    renderTimeline($("dm-timeline"), state.dm.messages, true);
    renderTimeline($("admin-timeline"), state.admin.messages, state.admin.member);
    renderHome(state.home);
    renderModal(state.modal);
  }

  function showPane(pane, { announce = true } = {}) {
    app.active = pane;
    if (pane !== "admin") app.left = pane;
    $("panes").dataset.active = pane;
    $("panes").dataset.left = app.left;
    for (const tab of document.querySelectorAll('[role="tab"]')) tab.setAttribute("aria-selected", String(tab.dataset.pane === pane));
    followLatest($("dm-timeline"));
    followLatest($("admin-timeline"));
    if (announce && pane !== "admin") post("/api/interact", { type: "app_home_opened", tab: pane === "home" ? "home" : "messages" }, { quiet: true });
  }

  // --- talking to the sandbox ----------------------------------------------------------------------------

  async function post(path, body, { quiet = false } = {}) {
    app.lastActivity = Date.now();
    let answer;
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: app.user, ...body }),
      });
      answer = await response.json();
    } catch (error) {
      answer = { ok: false, error: "サンドボックスに接続できません。起動しているか確認してください。" };
    }
    if (answer && answer.ok === false && answer.error && !quiet) toast(answer.error);
    poll();
    return answer;
  }

  async function poll() {
    if (app.polling) {
      app.pollAgain = true;
      return;
    }
    app.polling = true;
    clearTimeout(app.pollTimer);
    try {
      const user = app.user;
      const response = await fetch(`/api/state?user=${encodeURIComponent(user)}&etag=${encodeURIComponent(app.etag)}`);
      const state = await response.json();
      if (response.status === 404 && user !== DEFAULT_USER) {
        app.polling = false;
        switchPerson(DEFAULT_USER); // someone not in this sandbox (an old link): start as the first person
        return;
      }
      if (user === app.user && response.ok && !state.same) {
        app.etag = state.etag;
        render(state);
      }
      document.body.classList.remove("offline");
    } catch (error) {
      document.body.classList.add("offline");
    } finally {
      app.polling = false;
    }
    if (app.pollAgain) {
      app.pollAgain = false;
      poll();
      return;
    }
    const fast = Date.now() - app.lastActivity < FAST_WINDOW_MS;
    app.pollTimer = setTimeout(poll, fast ? POLL_FAST_MS : POLL_SLOW_MS);
  }

  let toastTimer = null;
  function toast(message) {
    const node = $("toast");
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 6000);
  }

  function switchPerson(user) {
    app.user = user;
    app.etag = "";
    app.scopes.clear();
    app.viewErrors = {};
    for (const id of ["dm-timeline", "admin-timeline", "home-view"]) {
      $(id).replaceChildren();
      $(id).kkSig = "";
      $(id).kkReading = false;
    }
    renderModal(null);
    history.replaceState(null, "", "#" + user);
    showPane(app.active);
  }

  // --- the message box: @ offers people, as Slack does ------------------------------------------------

  // Typing @ (or ＠) and part of a name lists the sandbox's people above the box; choosing one (click, tap,
  // Enter or Tab) writes @表示名 in the box. On sending, each chosen mention becomes what Slack sends:
  // <@U…|username> in a slash command's text (the manifest sets should_escape) and <@U…> in a message.
  function setUpMentions(input, list) {
    const chosen = new Map(); // "@表示名" → person, as written in the box
    let shown = [];
    let highlighted = 0;
    let closing = null;

    const people = () => app.state?.people || [];
    const fold = (text) => String(text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, "");
    const typedMention = () => {
      const caret = input.selectionStart ?? input.value.length;
      const found = /(^|\s)[@＠]([^\s@＠<>]*)$/.exec(input.value.slice(0, caret));
      return found ? { start: caret - found[2].length - 1, end: caret, query: found[2] } : null;
    };
    const close = () => {
      list.hidden = true;
      list.replaceChildren();
      shown = [];
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    const mark = ({ reveal = false } = {}) => {
      list.querySelectorAll('[role="option"]').forEach((node, index) => {
        node.setAttribute("aria-selected", String(index === highlighted));
        if (index !== highlighted) return;
        input.setAttribute("aria-activedescendant", node.id);
        if (reveal) node.scrollIntoView({ block: "nearest" });
      });
    };
    const choose = (person) => {
      const typed = typedMention();
      if (!typed) return close();
      const mention = "@" + person.name;
      const after = input.value.slice(typed.end);
      const written = mention + (after.startsWith(" ") ? "" : " ");
      input.value = input.value.slice(0, typed.start) + written + after;
      const caret = typed.start + written.length;
      input.setSelectionRange(caret, caret);
      chosen.set(mention, person);
      close();
      input.focus();
    };
    const offer = () => {
      const typed = typedMention();
      if (!typed) return close();
      const query = fold(typed.query);
      shown = people().filter((p) => [p.name, p.handle, p.id].some((name) => fold(name).includes(query)));
      if (!shown.length) return close();
      highlighted = 0;
      list.replaceChildren(...shown.map((person, index) => h("li", {
        role: "option",
        id: `mention-${index}`,
        "aria-selected": "false",
        onmousedown: (event) => event.preventDefault(), // keep the box focused (and a phone's keyboard up)
        onclick: () => choose(person),
      }, h("span", { class: "mention-name" }, person.name),
      h("small", { class: "mention-about" }, `@${person.handle}・${person.role}`))));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark();
      place(list, input);
    };

    input.addEventListener("input", offer);
    input.addEventListener("click", offer);
    input.addEventListener("keydown", (event) => {
      if (list.hidden || !shown.length || event.isComposing || event.keyCode === 229) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlighted = (highlighted + (event.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
        mark({ reveal: true });
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault(); // not the form's submission
        choose(shown[highlighted]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", () => {
      clearTimeout(closing);
      closing = setTimeout(() => { if (document.activeElement !== input) close(); }, 150);
    });
    window.addEventListener("resize", () => { if (!list.hidden) place(list, input); });

    return {
      encode(text, command) {
        let out = text;
        // Longest first, so that a name that begins another's is not taken out of it.
        for (const [mention, person] of [...chosen].sort((a, b) => b[0].length - a[0].length)) {
          out = out.split(mention).join(command ? `<@${person.id}|${person.handle}>` : `<@${person.id}>`);
        }
        return out;
      },
      reset() {
        chosen.clear();
        close();
      },
    };
  }

  function setUp() {
    app.user = decodeURIComponent(location.hash.slice(1)) || DEFAULT_USER;
    $("person").addEventListener("change", (event) => switchPerson(event.target.value));
    for (const tab of document.querySelectorAll('[role="tab"]')) tab.addEventListener("click", () => showPane(tab.dataset.pane));
    for (const button of document.querySelectorAll("[data-step]")) {
      button.addEventListener("click", async () => {
        const answer = await post("/api/clock", { step: button.dataset.step });
        if (answer?.ok) toast(`時計を進めました: ${answer.clock.label}`);
      });
    }
    for (const chip of document.querySelectorAll("[data-command]")) {
      chip.addEventListener("click", () => post("/api/interact", { type: "command", text: chip.dataset.command }));
    }
    const composer = setUpMentions($("composer-input"), $("mention-list"));
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("composer-input");
      const typed = input.value.trim();
      if (!typed) return;
      const command = typed.startsWith("/");
      const text = composer.encode(typed, command);
      input.value = "";
      composer.reset();
      post("/api/interact", command ? { type: "command", text } : { type: "message", text });
    });
    for (const id of ["dm-timeline", "admin-timeline"]) watchScrolling($(id));
    window.addEventListener("resize", () => {
      followLatest($("dm-timeline"));
      followLatest($("admin-timeline"));
    });
    document.addEventListener("click", (event) => {
      for (const menu of document.querySelectorAll(".menu:not([hidden])")) {
        if (!menu.parentElement.contains(event.target)) menu.hidden = true;
      }
    });
    showPane("dm");
  }

  setUp();
})();
