/** Plate fixtures (see plate.ts). */
export * from "./columbus";
export * from "./incell";
export * from "./metaxpress";
export * from "./mias";
export * from "./operetta";
export * from "./plate";
export * from "./scanr";
export * from "./tecan";
export * from "./yokogawa";
