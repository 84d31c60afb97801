// A test hook, not part of the recipe: the end-to-end test calls the app's own `start`
// (as bundled) to load lanterne's lazy modules from where the build put them.
import { start } from "lanterne";

window.__lanterneStart = start;
