import ParetoPilotCommands

/// The `paretopilot` executable: everything it does lives in `ParetoPilotCommands`.
@main
extension ParetoPilotCommand {}
