// The articles of the test apps; each paragraph names a site URL, so a copy of it is tracked.
export const ARTICLES = {
  1: {
    title: "The lighthouse keepers of Ouessant",
    text: "Keepers lived on the rock for weeks at a time; the whole story is at http://127.0.0.1:8080/en/lighthouse-keepers.html for anyone curious.",
  },
  2: {
    title: "Tides & charts: the 1816 survey",
    text: "The survey mapped every reef of the coast; the charts are at http://127.0.0.1:8080/en/tides.html for anyone curious.",
  },
};
