import { createContext } from "react";

/** The running lanterne tracker, provided once at the root (main.jsx). */
export const TrackerContext = createContext(null);
