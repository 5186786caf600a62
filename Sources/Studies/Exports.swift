// The study vocabulary and the evaluators are part of what this module offers its clients.
@_exported import Evaluation
@_exported import StudyModel
