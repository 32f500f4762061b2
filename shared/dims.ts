// dimension letters used across shared/:
//   B = batch, D = input pixels (784), H = hidden units, K = classes (10)
export const IMAGE_SIDE = 28;
export const D = IMAGE_SIDE * IMAGE_SIDE; // 784
export const K = 10;
/** pixel values in MNIST files and API inputs run 0..255; the network sees pixel / 255, deskewed when its model file asks (model/input.ts) */
export const PIXEL_MAX = 255;
