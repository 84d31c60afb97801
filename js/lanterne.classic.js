// lanterne for themes that cannot use type="module":
//   <script defer src="/lanterne/lanterne.classic.js" data-endpoint="/collect"></script>
// It loads the module next to it; the global `Lanterne` then holds its exports.
(function () {
  var script = document.currentScript;
  if (!script) return;
  script.setAttribute("data-lanterne-classic", "");
  import(new URL("lanterne.js", script.src).href).then(function (lanterne) {
    window.Lanterne = lanterne;
  }, function (error) { console.error(error); });
})();
