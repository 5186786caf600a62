/// What a bearer token may do.
public enum TokenRole: String, NamedCases {
    /// Everything, including creating tokens.
    case admin
    /// Ask/tell and read one study, or every study (and create studies) when not bound to one.
    case client
    /// Acquire jobs, heartbeat, stream logs and report results.
    case pilot
    /// Read one study, or every study, and nothing else: the dashboard's role.
    case viewer
}
