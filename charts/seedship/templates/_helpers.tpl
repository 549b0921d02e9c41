{{/* The release-scoped name of one component: <release>-seedship-<component>, at most 63 characters. */}}
{{- define "seedship.fullname" -}}
{{- printf "%s-seedship-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "seedship.labels" -}}
app.kubernetes.io/name: seedship
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "seedship.selectorLabels" -}}
app.kubernetes.io/name: seedship
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* image: registry/repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "seedship.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s/%s:%s" $image.registry (printf "%s%s" $image.repositoryPrefix .component) ($image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL and the master key: the chart's own, or an existing one. */}}
{{- define "seedship.coreSecretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-seedship-core" .Release.Name | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{/* Environment every service reads (libs/config commonEnvShape). */}}
{{- define "seedship.commonEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "seedship.coreSecretName" .root }}
      key: DATABASE_URL
- name: NATS_URL
  value: {{ required "nats.url is required: the NATS server(s) with JetStream enabled" .root.Values.nats.url | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
{{- end -}}

{{/* Pod security every Seedship service runs with (the agent DaemonSet is the documented exception). */}}
{{- define "seedship.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "seedship.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
