// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Drag a .torrent file anywhere onto the upload box to choose it.
  const zone = document.querySelector(".dropzone");
  const input = zone && zone.querySelector("input[type=file]");
  if (zone && input) {
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragover"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragover"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragover");
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
});

// Upload page tabs and the folder switch of the Create tab.
document.addEventListener("DOMContentLoaded", () => {
  const tabs = document.querySelectorAll(".tabs [role=tab]");
  tabs.forEach((tab) => tab.addEventListener("click", () => {
    tabs.forEach((other) => {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
  }));
  const folder = document.getElementById("create-folder");
  const files = document.getElementById("create-files");
  if (folder && files) {
    folder.addEventListener("change", () => { files.webkitdirectory = folder.checked; });
  }
});
