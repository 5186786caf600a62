/// The dashboard's files, embedded in the binary by the package (`.embedInCode`): nothing is
/// fetched from elsewhere and nothing is built by a JavaScript tool chain.
public enum DashboardAssets {
    /// `index.html`.
    public static var page: [UInt8] { PackageResources.index_html }
    /// `dashboard.js`, hand-written.
    public static var script: [UInt8] { PackageResources.dashboard_js }
    /// `dashboard.css`.
    public static var styleSheet: [UInt8] { PackageResources.dashboard_css }
}
