// Names for admin's autocomplete widgets (autocomplete_fields: Select2 4.0.13, as bundled
// with Django), which screen readers, and axe, otherwise find unnamed or malformed:
// - a single-choice box (role=combobox) is labelled only by its current value (a read-only
//   text box inside it, unnamed itself), so an empty one has no name: the box is labelled
//   by its field's <label>, then by its value, and the value by the <label>;
// - a many-choice box and the search box inside it have no label: the field's <label>;
// - the search box of an open list has no label: the field's <label>; the open box points
//   to its list with aria-owns only, where a combobox needs aria-controls;
// - the many-choice box's "Remove all items" x is a <span> inside its list of choices,
//   where only list items belong; it is a mouse shortcut (Backspace and each choice's own
//   x do the same), so it is hidden from assistive technology as those are.
// Select2 rebuilds parts of its markup on every change, so the names are set again whenever
// it does, for widgets added later too (new inline rows). No inline script or style: the
// Content-Security-Policy forbids them.
"use strict";
{
  const fieldLabel = (select) => {
    if (!select.id) return null;
    const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (label && !label.id) label.id = `${select.id}-label`;
    return label;
  };

  const setOnce = (element, name, value) => {
    if (element && element.getAttribute(name) !== value) element.setAttribute(name, value);
  };

  const nameWidget = (container) => {
    // Select2 places its widget right after the <select> it stands for.
    const select = container.previousElementSibling;
    if (!select || !select.classList.contains("admin-autocomplete")) return;
    const label = fieldLabel(select);
    if (!label) return;
    const selection = container.querySelector(".select2-selection");
    const rendered = container.querySelector(
      ".select2-selection--single .select2-selection__rendered",
    );
    setOnce(selection, "aria-labelledby", rendered ? `${label.id} ${rendered.id}` : label.id);
    // The value shown is a read-only text box of its own, as unnamed as the box when empty.
    setOnce(rendered, "aria-labelledby", label.id);
    setOnce(container.querySelector(".select2-search__field"), "aria-labelledby", label.id);
    // An open box names its list with aria-owns (ARIA 1.0); a combobox needs aria-controls.
    const list = selection && selection.getAttribute("aria-owns");
    if (list) setOnce(selection, "aria-controls", list);
    else if (selection) selection.removeAttribute("aria-controls");
    for (const clear of container.querySelectorAll("ul .select2-selection__clear")) {
      setOnce(clear, "aria-hidden", "true");
    }
  };

  const nameOpenList = () => {
    // The open list is placed at the end of <body>; it belongs to the focused widget.
    const search = document.querySelector(
      ".select2-container--open .select2-search--dropdown .select2-search__field",
    );
    const owner = document.querySelector(".select2-container--open.select2 .select2-selection");
    const select = owner && owner.closest(".select2").previousElementSibling;
    const label = select && fieldLabel(select);
    if (search && label) setOnce(search, "aria-labelledby", label.id);
  };

  const nameAll = () => {
    document.querySelectorAll(".select2.select2-container").forEach(nameWidget);
    nameOpenList();
  };

  if (document.querySelector(".admin-autocomplete")) {
    new MutationObserver(nameAll).observe(document.body, {
      childList: true,
      subtree: true,
      attributeFilter: ["aria-owns"],
    });
    nameAll();
  }
}
