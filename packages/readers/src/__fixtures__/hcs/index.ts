/** Plate fixtures (see plate.ts). */
export * from "./columbus";
export * from "./incell";
export * from "./metaxpress";
export * from "./operetta";
export * from "./plate";
export * from "./scanr";
export * from "./yokogawa";
