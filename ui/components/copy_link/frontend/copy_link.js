export default function (component) {
  const root = component.parentElement.querySelector(".cl-root");
  if (!root || root.dataset.bound) return;
  root.dataset.bound = "1";
  const button = root.querySelector(".cl-button"), field = root.querySelector(".cl-url");
  button.addEventListener("click", async () => {
    const url = window.location.href;   // Streamlit keeps the query string in step with the view
    field.value = url; field.hidden = false; root.dataset.url = url;
    try {
      await navigator.clipboard.writeText(url);
      button.textContent = "Copied ✓"; root.dataset.copied = "true";
    } catch (err) {
      field.select(); button.textContent = "Select the link below and copy it";
      root.dataset.copied = "false";
    }
    setTimeout(() => { button.textContent = "Copy link to this view"; }, 2500);
  });
}
