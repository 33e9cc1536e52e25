// The app's own worker entry, bundled for the benchmark page.
import "@/lib/images/worker/prepare-image.worker";
