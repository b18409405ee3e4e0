// @ts-check
// Takes the operator to a form control: opens the section that holds it, focuses it, scrolls it into view and highlights it until it is edited.

/** A control to focus once the view that holds it is drawn (set before navigating to it). */
let pending = '';

/** Focuses the control with id `id` now; false when the page has none. */
export function focusControl(/** @type {string} */ id) {
  const control = document.getElementById(id);
  if (!control) return false;
  const section = control.closest('details');
  if (section) section.open = true;
  control.classList.add('needs-fix');
  const edited = () => control.classList.remove('needs-fix');
  control.addEventListener('input', edited, { once: true });
  control.addEventListener('change', edited, { once: true });
  control.focus();
  control.scrollIntoView({ block: 'center' });
  return true;
}

/** Focuses the control with id `id` once the next view that holds it is drawn (see takePendingFocus). */
export function focusControlWhenShown(/** @type {string} */ id) {
  pending = id;
}

/** Called by a view once drawn: focuses the control asked for, if it has it. */
export function takePendingFocus() {
  const id = pending;
  pending = '';
  return id !== '' && focusControl(id);
}
