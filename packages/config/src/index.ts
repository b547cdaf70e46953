export * from "./home";
export * from "./logging";
export * from "./types";
export * from "./load";
