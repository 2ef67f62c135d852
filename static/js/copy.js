// Copy buttons (data-copy-target: the id of the field to copy). They stay hidden
// without JavaScript, where the field itself is there to select and copy.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Copied.";
    } catch {
      field.select();
      if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected address.";
    }
  });
});
